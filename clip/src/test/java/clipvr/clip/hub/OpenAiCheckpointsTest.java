package clipvr.clip.hub;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.*;

/** Download verification against a loopback HTTP server (no external network). */
class OpenAiCheckpointsTest {
    static String sha(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    static HttpServer serve(byte[] body) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/f", ex -> {
            ex.sendResponseHeaders(200, body.length);
            try (var o = ex.getResponseBody()) { o.write(body); }
        });
        s.start();
        return s;
    }

    @Test void verifiedDownloadIsMovedIntoPlaceAndCorruptOneIsDiscarded(@TempDir Path dir) throws Exception {
        byte[] good = "pretend checkpoint bytes".getBytes(StandardCharsets.UTF_8);
        var model = new OpenAiCheckpoints.Model("X", "x.pt", sha(good));
        HttpServer s = serve(good);
        try {
            URI url = URI.create("http://127.0.0.1:" + s.getAddress().getPort() + "/f");
            Path f = OpenAiCheckpoints.download(model, url, dir, n -> {});
            assertArrayEquals(good, Files.readAllBytes(f));
            assertTrue(OpenAiCheckpoints.isPresent(model, dir));
            var wrong = new OpenAiCheckpoints.Model("Y", "y.pt", sha("other".getBytes()));
            IOException e = assertThrows(IOException.class, () -> OpenAiCheckpoints.download(wrong, url, dir, n -> {}));
            assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
            assertFalse(Files.exists(dir.resolve("y.pt")));
            try (var files = Files.list(dir)) { assertEquals(1, files.count(), "no temporary file left behind"); }
        } finally {
            s.stop(0);
        }
    }

    /** The server promises 1 MiB and hangs up after 1000 bytes: a clear message, no file, no temporary left. */
    @Test void interruptedDownloadIsDiscardedWithAClearMessage(@TempDir Path dir) throws Exception {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/f", ex -> {
            ex.sendResponseHeaders(200, 1 << 20);
            var o = ex.getResponseBody();
            o.write(new byte[1000]);
            o.flush();
            ex.getHttpContext().getServer().stop(0); // drop the connection mid-body
        });
        s.start();
        var model = new OpenAiCheckpoints.Model("X", "x.pt", sha(new byte[1 << 20]));
        try {
            URI url = URI.create("http://127.0.0.1:" + s.getAddress().getPort() + "/f");
            IOException e = assertThrows(IOException.class, () -> OpenAiCheckpoints.download(model, url, dir, n -> {}));
            assertTrue(e.getMessage().contains("interrupted") || e.getMessage().contains("cannot download"), e.getMessage());
            assertTrue(e.getMessage().contains("x.pt"), e.getMessage());
            assertFalse(Files.exists(dir.resolve("x.pt")));
            try (var files = Files.list(dir)) { assertEquals(0, files.count(), "partial file left behind"); }
        } finally {
            s.stop(0);
        }
    }

    @Test void unreachableServerGivesTheManualInstructions(@TempDir Path dir) {
        var m = OpenAiCheckpoints.model("ViT-B/32");
        IOException e = assertThrows(IOException.class, () -> OpenAiCheckpoints.download(m, URI.create("http://127.0.0.1:9/nothing"), dir, n -> {}));
        assertTrue(e.getMessage().contains(m.url().toString()) && e.getMessage().contains("ViT-B-32.pt"), e.getMessage());
    }
}
