package net.zcc.keyserver.admin;

import java.io.PrintWriter;
import java.io.StringWriter;
import net.zcc.keyserver.KeyServerMain;
import picocli.CommandLine;

/** One in-process run of {@code zcc-keyserver ARGS}: exit code, stdout, stderr. */
record CliRun(int code, String out, String err) {

    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new KeyServerMain());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** The value after {@code label} on its line of stdout. */
    String field(String label) {
        for (String line : out.split("\n")) {
            if (line.startsWith(label + " ")) {
                return line.substring(label.length()).strip();
            }
        }
        throw new AssertionError("no '" + label + "' line in: " + out + err);
    }

    @Override
    public String toString() {
        return "exit " + code + "\nstdout:\n" + out + "stderr:\n" + err;
    }
}
