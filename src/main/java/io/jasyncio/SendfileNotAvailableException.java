package io.jasyncio;

/**
 * asyncio's {@code SendfileNotAvailableError}: {@link EventLoop#sockSendfile} or {@link
 * EventLoop#sendfile} was called with {@code fallback=false} where the zero-copy path cannot be used
 * (a TLS transport, a transport that is not the loop's own socket transport, a file channel whose
 * {@code transferTo} is unsupported). Nothing was sent and the file's position is untouched; call
 * again with {@code fallback=true} to have the bytes read and written instead.
 *
 * <p>As asyncio's, it is a {@code RuntimeError}: here an {@link IllegalStateException}.
 */
public class SendfileNotAvailableException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * A zero-copy send that cannot happen.
     *
     * @param message why (which transport or file channel), and that {@code fallback=true} sends anyway
     */
    public SendfileNotAvailableException(String message) {
        super(message);
    }

    /**
     * A zero-copy send that cannot happen, because of {@code cause}.
     *
     * @param message why, and that {@code fallback=true} sends anyway
     * @param cause what refused the transfer, e.g. the file channel's {@code UnsupportedOperationException}
     */
    public SendfileNotAvailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
