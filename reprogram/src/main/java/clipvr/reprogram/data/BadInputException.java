package clipvr.reprogram.data;

/**
 * An input file from outside (IDX or CIFAR-10 binary file, tar/tar.gz image archive, description JSON, run
 * directory JSON) is malformed. The message names the file and what is wrong. It extends
 * {@link IllegalArgumentException}, which these readers threw before it existed, so existing callers still catch it;
 * a plain {@code IllegalArgumentException} (or any other unchecked JVM exception) escaping a reader is a bug.
 */
public class BadInputException extends IllegalArgumentException {

    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
