package net.zcc.agent.configd;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a system tool (nft, iptables) with a time limit and captures what it says. */
final class Command {
    private static final long TIMEOUT_SECONDS = 30;

    record Result(int exit, String out, String err) {
        boolean ok() {
            return exit == 0;
        }

        /** The tool's own words, for a log line or an exception. */
        String why() {
            String s = (err.isBlank() ? out : err).strip();
            return s.isEmpty() ? "exit code " + exit : s;
        }
    }

    private Command() {
    }

    static Result run(List<String> argv, String stdin) throws IOException {
        Process p = new ProcessBuilder(argv).start();
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(argv.get(0) + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + argv.get(0), e);
        }
    }

    private static CompletableFuture<String> drain(InputStream s) {
        return CompletableFuture.supplyAsync(() -> {
            try (s) {
                return new String(s.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
    }
}
