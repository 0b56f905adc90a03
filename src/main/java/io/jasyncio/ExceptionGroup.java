package io.jasyncio;

import java.util.List;

/**
 * Several exceptions raised together, as Python's {@code ExceptionGroup}: what a {@link TaskGroup}
 * raises when its tasks or its body failed. The first one is also this exception's cause, so a
 * stack trace shows it.
 */
public class ExceptionGroup extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final List<Throwable> exceptions;

    public ExceptionGroup(String message, List<? extends Throwable> exceptions) {
        super(message + " (" + exceptions.size() + " sub-exception" + (exceptions.size() == 1 ? "" : "s") + ")",
                exceptions.isEmpty() ? null : exceptions.get(0));
        if (exceptions.isEmpty()) throw new IllegalArgumentException("an ExceptionGroup needs at least one exception");
        this.exceptions = List.copyOf(exceptions);
        for (Throwable t : this.exceptions.subList(1, this.exceptions.size())) addSuppressed(t);
    }

    /** The exceptions, in the order they were raised. */
    public List<Throwable> exceptions() {
        return exceptions;
    }
}
