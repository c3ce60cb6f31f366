package clipvr.reprogram.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.Locale;

/** Escaping for the report: HTML text and attribute values, and JSON that is safe inside a {@code <script>} element. */
public final class Html {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Html() {}

    /** {@code s} as HTML text or a quoted attribute value: {@code & < > " '} become character references; null → "". */
    public static String esc(String s) {
        if (s == null) return "";
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String r = switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                default -> null;
            };
            if (r == null && c < 0x20 && c != '\n' && c != '\t' && c != '\r') r = "\uFFFD";   // control chars are not allowed in HTML
            if (r != null) {
                if (b == null) b = new StringBuilder(s.length() + 16).append(s, 0, i);
                b.append(r);
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? s : b.toString();
    }

    /**
     * {@code value} as JSON that can be placed verbatim inside a {@code <script>} element: {@code <}, {@code >},
     * {@code &} and the JavaScript line terminators U+2028/U+2029 are written as {@code \\uXXXX} escapes, so no
     * text (e.g. a description containing {@code </script>}) can end the element or open a comment.
     */
    public static String scriptJson(Object value) {
        String s;
        try {
            s = JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("report: cannot serialise data to JSON: " + e.getMessage(), e);
        }
        StringBuilder b = new StringBuilder(s.length() + 64);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<', '>', '&', '\u2028', '\u2029' -> b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** A number for display: {@code digits} decimals, "–" for null or NaN. */
    public static String num(Double v, int digits) {
        if (v == null || v.isNaN()) return "–";
        return String.format(Locale.ROOT, "%." + digits + "f", v);
    }

    /**
     * The viridis colour map at {@code t} ∈ [0, 1] (clamped) as {@code #rrggbb}; NaN gives light grey.
     * Nine stops of matplotlib's viridis, linearly interpolated.
     */
    public static String viridis(double t) {
        int[] rgb = viridisRgb(t);
        return String.format(Locale.ROOT, "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
    }

    static int[] viridisRgb(double t) {
        if (Double.isNaN(t)) return new int[]{230, 230, 230};
        t = Math.max(0, Math.min(1, t));
        double x = t * (VIRIDIS.length - 1);
        int i = Math.min(VIRIDIS.length - 2, (int) Math.floor(x));
        double f = x - i;
        int[] out = new int[3];
        for (int c = 0; c < 3; c++) out[c] = (int) Math.round(VIRIDIS[i][c] * (1 - f) + VIRIDIS[i + 1][c] * f);
        return out;
    }

    /** Black or white, whichever reads better on {@link #viridis(double)} at {@code t}. */
    public static String textOn(double t) { return Double.isNaN(t) || t > 0.55 ? "#000" : "#fff"; }

    private static final int[][] VIRIDIS = {
            {68, 1, 84}, {71, 44, 122}, {59, 81, 139}, {44, 113, 142}, {33, 144, 141},
            {39, 173, 129}, {92, 200, 99}, {170, 220, 50}, {253, 231, 37}};
}
