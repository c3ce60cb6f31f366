package clipvr.clip.io;

import clipvr.clip.io.Unpickler.PyClass;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the {@code __parameters__} / {@code __buffers__} lists of TorchScript classes from the archive's
 * {@code code/} records (§4.6 step 3a). The code file of a class whose GLOBAL module is {@code M} is
 * {@code <p>/code/} + M with {@code .} → {@code /} + {@code .py}.
 */
final class TorchScriptCode {

    /**
     * What the printed class declares.
     *
     * @param parameters names from {@code __parameters__}
     * @param buffers    names from {@code __buffers__}, or null when the line is absent (older printers, §11)
     */
    record ClassInfo(List<String> parameters, List<String> buffers) {}

    private static final Pattern STRING = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"|'((?:[^'\\\\]|\\\\.)*)'");
    private static final ClassInfo NONE = new ClassInfo(List.of(), List.of());

    private final ZipArchive zip;
    private final String prefix;
    private final Map<String, String> files = new HashMap<>();
    private final Map<PyClass, ClassInfo> cache = new HashMap<>();
    private int parsed, missing;

    TorchScriptCode(ZipArchive zip, String prefix) {
        this.zip = zip;
        this.prefix = prefix;
    }

    /** The class's declared parameters/buffers, or null when its code is not found (fallback (b) applies). */
    ClassInfo classInfo(PyClass c) {
        ClassInfo info = cache.computeIfAbsent(c, k -> {
            ClassInfo i = parse(source(k.module()), k.name());
            // mangled qualifiers (…___torch_mangle_N, §4.3) normally have their own file; also try the parent's
            int dot = k.module().lastIndexOf('.');
            if (i == null && dot > 0 && k.module().substring(dot + 1).startsWith("___torch_mangle_"))
                i = parse(source(k.module().substring(0, dot)), k.name());
            if (i == null) missing++; else parsed++;
            return i == null ? NONE : i;
        });
        return info == NONE ? null : info;
    }

    int parsedClasses() { return parsed; }

    int missingClasses() { return missing; }

    private String source(String module) {
        return files.computeIfAbsent(module, m -> {
            ZipArchive.Entry e = zip.entry(prefix + "/code/" + m.replace('.', '/') + ".py");
            if (e == null) return "";
            ByteBuffer b = zip.read(e);
            byte[] a = new byte[b.remaining()];
            b.get(a);
            return new String(a, StandardCharsets.UTF_8);
        });
    }

    /** Finds {@code class <name>(...):} and the list assignments in its body. Package-private for tests. */
    static ClassInfo parse(String src, String className) {
        if (src.isEmpty()) return null;
        String[] lines = src.split("\n", -1);
        Pattern header = Pattern.compile("^class\\s+" + Pattern.quote(className) + "\\s*[(:].*");
        int i = 0;
        while (i < lines.length && !header.matcher(lines[i]).matches()) i++;
        if (i == lines.length) return null;
        List<String> params = null, buffers = null;
        for (int j = i + 1; j < lines.length; j++) {
            String line = lines[j];
            if (!line.isBlank() && !Character.isWhitespace(line.charAt(0))) break; // end of the class body
            String t = line.strip();
            String which = t.startsWith("__parameters__") ? "p" : t.startsWith("__buffers__") ? "b" : null;
            if (which == null || !t.contains("=")) continue;
            StringBuilder list = new StringBuilder(t.substring(t.indexOf('=') + 1));
            while (!list.toString().contains("]") && j + 1 < lines.length) list.append(lines[++j]);
            List<String> names = strings(list.toString());
            if (which.equals("p")) params = names; else buffers = names;
        }
        if (params == null && buffers == null) return new ClassInfo(List.of(), null);
        return new ClassInfo(params == null ? List.of() : params, buffers);
    }

    private static List<String> strings(String s) {
        int end = s.indexOf(']');
        Matcher m = STRING.matcher(end >= 0 ? s.substring(0, end) : s);
        List<String> out = new ArrayList<>();
        while (m.find()) out.add(m.group(1) != null ? m.group(1) : m.group(2));
        return out;
    }
}
