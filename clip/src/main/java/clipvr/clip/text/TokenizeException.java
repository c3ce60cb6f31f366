package clipvr.clip.text;

/**
 * A text whose tokens (with SOT and EOT) do not fit the context length, and truncation was not asked for
 * (OpenAI's {@code clip.tokenize} raises {@code RuntimeError("Input ... is too long for context length 77")}).
 */
public final class TokenizeException extends RuntimeException {
    private static final int SHOWN_CHARS = 60;

    private final String text;
    private final int tokenCount;
    private final int contextLength;

    public TokenizeException(String text, int tokenCount, int contextLength) {
        super("Input \"" + abbreviate(text) + "\" is too long for context length " + contextLength
                + ": it has " + tokenCount + " tokens including <|startoftext|> and <|endoftext|>"
                + " (tokenize with truncate=true to cut it)");
        this.text = text;
        this.tokenCount = tokenCount;
        this.contextLength = contextLength;
    }

    /** The full text that did not fit. */
    public String text() {
        return text;
    }

    /** Its number of tokens, counting SOT and EOT. */
    public int tokenCount() {
        return tokenCount;
    }

    public int contextLength() {
        return contextLength;
    }

    static String abbreviate(String text) {
        if (text.codePointCount(0, text.length()) <= SHOWN_CHARS) return text;
        return text.substring(0, text.offsetByCodePoints(0, SHOWN_CHARS - 1)) + "…";
    }
}
