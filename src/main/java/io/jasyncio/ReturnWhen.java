package io.jasyncio;

/** When {@link Asyncio#waitTasks} returns. */
public enum ReturnWhen {
    /** As soon as any future finishes or is cancelled. */
    FIRST_COMPLETED,
    /** As soon as any future finishes with an exception, or when all are done. */
    FIRST_EXCEPTION,
    /** When all futures are done. */
    ALL_COMPLETED
}
