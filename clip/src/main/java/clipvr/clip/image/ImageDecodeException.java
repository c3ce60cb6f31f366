package clipvr.clip.image;

/** An image could not be read or decoded; the message names the source (file or entry) and why. */
public class ImageDecodeException extends RuntimeException {

    public ImageDecodeException(String message) {
        super(message);
    }

    public ImageDecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
