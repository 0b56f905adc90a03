package io.jasyncio.tools;

/** A failure of the command, with the one line to print; the command then exits with status 1. */
final class ToolException extends Exception {
    private static final long serialVersionUID = 1L;

    ToolException(String message) {
        super(message);
    }

    ToolException(String message, Throwable cause) {
        super(message, cause);
    }
}
