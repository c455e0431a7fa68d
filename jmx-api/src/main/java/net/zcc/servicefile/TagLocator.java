package net.zcc.servicefile;

/**
 * Maps the position where StAX says a start tag ends back to the {@code <} that opens it, so
 * messages point at the beginning of the offending element.
 */
final class TagLocator {
    private final String text;
    private final int[] lineStart;

    TagLocator(String text) {
        this.text = text;
        int lines = 1;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                lines++;
            }
        }
        lineStart = new int[lines];
        int l = 1;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                lineStart[l++] = i + 1;
            }
        }
    }

    /** Returns {line, column} (1-based) of the last {@code <} at or before the given position. */
    int[] tagStart(int line, int column) {
        if (line < 1 || line > lineStart.length) {
            return new int[] {line, column};
        }
        // StAX points at the character after the tag, so start one before it.
        int off = Math.min(text.length() - 1, lineStart[line - 1] + Math.max(column, 2) - 2);
        while (off >= 0 && text.charAt(off) != '<') {
            off--;
        }
        if (off < 0) {
            return new int[] {line, column};
        }
        int l = line;
        while (l > 1 && lineStart[l - 1] > off) {
            l--;
        }
        return new int[] {l, off - lineStart[l - 1] + 1};
    }
}
