package clipvr.clip.text;

/**
 * The C1 range 0x80..0x9F read as Windows-1252, "sloppily": the five bytes Windows-1252 leaves undefined
 * (0x81, 0x8D, 0x8F, 0x90, 0x9D) stay as the same Latin-1 control. This is both what Python's
 * {@code html.unescape} gives for {@code &#128;}..{@code &#159;} and what ftfy's {@code fix_c1_controls} does
 * (it decodes with its {@code sloppy-windows-1252} codec), and what web browsers do.
 */
final class Windows1252 {
    private static final String C1 =
            "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F"
          + "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";

    private Windows1252() {}

    /** The character for byte {@code b} in 0x80..0x9F. */
    static char decode(int b) {
        return C1.charAt(b - 0x80);
    }
}
