package io.jasyncio;

/** asyncio's {@code InvalidStateError}: an operation that the future's state does not allow. */
public class InvalidStateException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * An operation refused because of the future's state.
     *
     * @param message the operation, the future and what to do instead, e.g. "Result is not ready: ...
     *     await() it first"
     */
    public InvalidStateException(String message) {
        super(message);
    }
}
