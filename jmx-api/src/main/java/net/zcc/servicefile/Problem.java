package net.zcc.servicefile;

/**
 * One thing wrong with a service file, located for a person: {@code file:line:column: message}.
 * Line and column are 1-based; 0 means unknown (for example, a problem of the whole file).
 */
public record Problem(String file, int line, int column, String message) {
    @Override
    public String toString() {
        if (line <= 0) {
            return file + ": " + message;
        }
        return file + ":" + line + ":" + Math.max(column, 1) + ": " + message;
    }
}
