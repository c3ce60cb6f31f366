package clipvr.clip.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * OpenAI's official CLIP checkpoints (openai/CLIP {@code clip.py _MODELS}): the URL's second-to-last
 * path component is the file's SHA-256, which {@link #download} verifies before the file is moved into
 * place (atomically). Offline, the download fails fast with a message saying where to put the file.
 */
public final class OpenAiCheckpoints {
    private OpenAiCheckpoints() {}

    public record Model(String name, String file, String sha256) {
        public URI url() { return URI.create("https://openaipublic.azureedge.net/clip/models/" + sha256 + "/" + file); }
    }

    public static final Map<String, Model> MODELS = new LinkedHashMap<>();

    static {
        add("RN50", "RN50.pt", "afeb0e10f9e5a86da6080e35cf09123aca3b358a0c3e3b6c78a7b63bc04b6762");
        add("RN101", "RN101.pt", "8fa8567bab74a42d41c5915025a8e4538c3bdbe8804a470a72f30b0d94fab599");
        add("RN50x4", "RN50x4.pt", "7e526bd135e493cef0776de27d5f42653e6b4c8bf9e0f653bb11773263205fdd");
        add("RN50x16", "RN50x16.pt", "52378b407f34354e150460fe41077663dd5b39c54cd0bfd2b27167a4a06ec9aa");
        add("RN50x64", "RN50x64.pt", "be1cfb55d75a9666199fb2206c106743da0f6468c9d327f3e0d0a543a9919d9c");
        add("ViT-B/32", "ViT-B-32.pt", "40d365715913c9da98579312b702a82c18be219cc2a73407c4526f58eba950af");
        add("ViT-B/16", "ViT-B-16.pt", "5806e77cd80f8b59890b7e101eabd078d9fb84e6937f9e85e4ecb61988df416f");
        add("ViT-L/14", "ViT-L-14.pt", "b8cca3fd41ae0c99ba7e8951adf17d267cdb84cd88be6f7c2e0eca1737a03836");
        add("ViT-L/14@336px", "ViT-L-14-336px.pt", "3035c92b350959924f9f00213499208652fc7ea050643e8b385c2dac08641f02");
    }

    private static void add(String name, String file, String sha) { MODELS.put(name, new Model(name, file, sha)); }

    public static Model model(String name) {
        Model m = MODELS.get(name);
        if (m == null) throw new IllegalArgumentException("unknown model '" + name + "'; known: " + MODELS.keySet());
        return m;
    }

    /** SHA-256 of a file as lower-case hex. */
    public static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest())) {
            DigestInputStream d = (DigestInputStream) in;
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(d.getMessageDigest().digest());
        }
    }

    static MessageDigest digest() {
        try { return MessageDigest.getInstance("SHA-256"); }
        catch (NoSuchAlgorithmException e) { throw new IllegalStateException(e); }
    }

    /** True when {@code dir/file} exists with the expected SHA-256. */
    public static boolean isPresent(Model m, Path dir) throws IOException {
        Path f = dir.resolve(m.file());
        return Files.isRegularFile(f) && sha256(f).equals(m.sha256());
    }

    /**
     * Downloads {@code m} into {@code dir} (skipped when a verified copy is there). The bytes go to a
     * temporary file in {@code dir}, are hashed on the way, and the file is moved into place only when the
     * SHA-256 matches.
     */
    public static Path download(Model m, Path dir, LongConsumer progress) throws IOException, InterruptedException {
        return download(m, m.url(), dir, progress);
    }

    /** As {@link #download(Model, Path, LongConsumer)} from another location (a mirror; tests use a loopback server). */
    public static Path download(Model m, URI url, Path dir, LongConsumer progress) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path target = dir.resolve(m.file());
        if (isPresent(m, dir)) return target;
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        Path tmp = Files.createTempFile(dir, m.file(), ".part");
        try {
            HttpResponse<InputStream> r;
            try {
                r = client.send(HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(30)).GET().build(),
                        HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                throw new IOException(offlineMessage(m, dir, e.toString()), e);
            }
            if (r.statusCode() != 200) throw new IOException(offlineMessage(m, dir, "HTTP " + r.statusCode()));
            MessageDigest md = digest();
            long total = 0;
            try (InputStream in = r.body(); OutputStream out = Files.newOutputStream(tmp)) {
                byte[] buf = new byte[1 << 20];
                for (int n; (n = in.read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                    md.update(buf, 0, n);
                    progress.accept(total += n);
                }
            } catch (IOException e) { // connection lost, disk full, ...: say which, and that nothing was kept
                throw new IOException("download of " + m.file() + " from " + url + " was interrupted after " + total
                        + " bytes (" + e + "); the partial file was discarded and " + target + " was not touched: "
                        + "run the command again (or see the manual instructions: " + offlineMessage(m, dir, "interrupted")
                        + ")", e);
            }
            String got = HexFormat.of().formatHex(md.digest());
            if (!got.equals(m.sha256()))
                throw new IOException("downloaded " + m.file() + " has SHA-256 " + got + ", expected " + m.sha256() + "; the file was discarded");
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static String offlineMessage(Model m, Path dir, String why) {
        return "cannot download " + m.name() + " (" + why + "). Download it on a machine with internet access from\n  "
                + m.url() + "\nand put it at " + dir.resolve(m.file()).toAbsolutePath()
                + " (SHA-256 " + m.sha256() + "); a Hugging Face openai/clip-vit-base-patch32 directory"
                + " (model.safetensors + config.json) works too: pass it with --weights.";
    }
}
