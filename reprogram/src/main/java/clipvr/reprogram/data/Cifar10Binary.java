package clipvr.reprogram.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * CIFAR-10 in its official binary release ({@code cifar-10-binary.tar.gz}): files
 * {@code data_batch_1..5.bin} (train) and {@code test_batch.bin}, each a sequence of 3073-byte records:
 * 1 label byte, then 1024 red, 1024 green and 1024 blue bytes of a 32×32 image (row-major).
 * {@link #download} fetches the archive from the dataset's home page, checks the MD5 published there,
 * and unpacks it.
 */
public final class Cifar10Binary implements Dataset {
    public static final URI URL = URI.create("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz");
    /** MD5 of cifar-10-binary.tar.gz as published on the CIFAR-10 page. */
    public static final String MD5 = "c32a1d4ab5d03f1284b67883e8d87530";
    public static final String DIR_NAME = "cifar-10-batches-bin";
    static final int RECORD = 1 + 3 * 1024;

    private final String split;
    private final byte[] data;
    private final int n;
    private final List<String> classNames = ClassNames.bundled("cifar10");

    private Cifar10Binary(String split, byte[] data) {
        this.split = split;
        this.data = data;
        this.n = data.length / RECORD;
    }

    /** Opens {@code split} from a {@code cifar-10-batches-bin} directory. */
    public static Cifar10Binary open(Path dir, String split) {
        String s = Split.normalize(split);
        List<String> files = s.equals(Split.TRAIN)
                ? List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin")
                : List.of("test_batch.bin");
        try (var out = new java.io.ByteArrayOutputStream()) {
            for (String f : files) {
                Path p = dir.resolve(f);
                if (!Files.isRegularFile(p)) throw new BadInputException("CIFAR-10 binary: missing " + p);
                byte[] b = Files.readAllBytes(p);
                if (b.length % RECORD != 0)
                    throw new BadInputException("CIFAR-10 binary: " + p + " has " + b.length + " bytes, not a multiple of " + RECORD);
                out.write(b);
            }
            Cifar10Binary d = new Cifar10Binary(s, out.toByteArray());
            for (int i = 0; i < d.n; i++)
                if ((d.data[i * RECORD] & 0xFF) > 9) throw new BadInputException("CIFAR-10 binary: label " + (d.data[i * RECORD] & 0xFF) + " of record " + i + " in " + dir);
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read CIFAR-10 binary files in " + dir, e);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (var s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }

    @Override public int size() { return n; }
    @Override public int label(int i) { return data[i * RECORD] & 0xFF; }
    @Override public List<String> classNames() { return classNames; }
    @Override public String split() { return split; }
    @Override public String id(int i) { return split + "#" + i; }

    @Override public BufferedImage image(int i) {
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        int base = i * RECORD + 1;
        for (int p = 0; p < 1024; p++) {
            int r = data[base + p] & 0xFF, g = data[base + 1024 + p] & 0xFF, b = data[base + 2048 + p] & 0xFF;
            img.setRGB(p % 32, p / 32, (r << 16) | (g << 8) | b);
        }
        return img;
    }

    /**
     * Downloads the archive into {@code dataDir} (verifying the MD5 before anything is unpacked) and unpacks
     * {@code cifar-10-batches-bin/}; returns that directory. Skipped when it already exists.
     */
    public static Path download(Path dataDir) throws IOException, InterruptedException {
        Path dir = dataDir.resolve(DIR_NAME);
        if (Files.isRegularFile(dir.resolve("test_batch.bin"))) return dir;
        Files.createDirectories(dataDir);
        Path archive = dataDir.resolve("cifar-10-binary.tar.gz"), tmp = Files.createTempFile(dataDir, "cifar", ".part");
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NORMAL).build();
            HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(URL).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) throw new IOException("HTTP " + r.statusCode() + " from " + URL);
            MessageDigest md = MessageDigest.getInstance("MD5");
            try (InputStream in = r.body(); OutputStream out = Files.newOutputStream(tmp)) {
                byte[] buf = new byte[1 << 20];
                for (int k; (k = in.read(buf)) > 0; ) { out.write(buf, 0, k); md.update(buf, 0, k); }
            }
            String got = HexFormat.of().formatHex(md.digest());
            if (!got.equals(MD5)) throw new IOException("cifar-10-binary.tar.gz has MD5 " + got + ", expected " + MD5 + "; discarded");
            Files.move(tmp, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } finally {
            Files.deleteIfExists(tmp);
        }
        // unpack into a temporary folder and rename it into place, so that a kill while unpacking never leaves a
        // half-written cifar-10-batches-bin/ that a later run would take for complete
        Path partial = dataDir.resolve("." + DIR_NAME + ".partial");
        deleteTree(partial);
        try (TarReader tar = TarReader.open(archive)) {
            for (TarReader.Entry e; (e = tar.next()) != null; ) {
                if (e.type() != TarReader.Type.FILE || !e.name().startsWith(DIR_NAME + "/")) continue;
                Path target = partial.resolve(e.name().substring(DIR_NAME.length() + 1)).normalize();
                if (!target.startsWith(partial.normalize())) throw new IOException("archive entry outside the data folder: " + e.name());
                Files.createDirectories(target.getParent());
                Files.write(target, tar.readContent());
            }
        }
        deleteTree(dir); // an older, incomplete copy
        Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
        return dir;
    }
}
