package io.jasyncio;

import java.util.List;

/**
 * Several exceptions raised together, as Python's {@code ExceptionGroup}: what a {@link TaskGroup}
 * raises when its tasks or its body failed. The first one is also this exception's cause, so a
 * stack trace shows it.
 */
public class ExceptionGroup extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The grouped exceptions, at least one, in the order raised; unmodifiable. */
    private final List<Throwable> exceptions;

    /**
     * Groups {@code exceptions}; the message gets the count appended, as Python's does, the first is
     * the cause and the others are suppressed exceptions, so a stack trace shows them all.
     *
     * @param message what failed, e.g. "unhandled errors in a TaskGroup"
     * @param exceptions the exceptions, at least one, in the order they were raised (copied)
     * @throws IllegalArgumentException if {@code exceptions} is null, empty or holds a null
     */
    public ExceptionGroup(String message, List<? extends Throwable> exceptions) {
        super(message + " (" + checked(exceptions).size() + " sub-exception" + (exceptions.size() == 1 ? "" : "s") + ")",
                exceptions.get(0));
        this.exceptions = List.copyOf(exceptions);
        for (Throwable t : this.exceptions.subList(1, this.exceptions.size())) addSuppressed(t);
    }

    /** The list itself, once checked; a constructor's first statement can check only by calling. */
    private static <L extends List<? extends Throwable>> L checked(L exceptions) {
        if (exceptions == null || exceptions.isEmpty()) {
            throw new IllegalArgumentException("an ExceptionGroup needs at least one exception, got "
                    + (exceptions == null ? "null" : "an empty list"));
        }
        for (int i = 0; i < exceptions.size(); i++) {
            if (exceptions.get(i) == null) {
                throw new IllegalArgumentException("exceptions[" + i + "] is null: an ExceptionGroup holds only real exceptions");
            }
        }
        return exceptions;
    }

    /**
     * The exceptions, in the order they were raised.
     *
     * @return an unmodifiable list of at least one exception
     */
    public List<Throwable> exceptions() {
        return exceptions;
    }
}
