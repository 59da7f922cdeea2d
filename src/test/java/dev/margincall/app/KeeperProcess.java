package dev.margincall.app;

import static dev.margincall.app.KeeperIT.KEEPER_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;

/** `margin-call run` as a child process (the test key as its signer), its output collected: KillMidBurst's, MorphoRestartIT's. */
record KeeperProcess(Process process, StringBuffer lines, Thread reader) {

    /** @param options more options of {@code run} (e.g. {@code --stop-grace-seconds}) */
    static KeeperProcess start(Path config, Path state, String... options) throws IOException {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(Path.of("bin", "margin-call").toAbsolutePath().toString(), "run",
                "--config", config.toString(), "--state-dir", state.toString(), "--poll-ms", "50"));
        command.addAll(java.util.List.of(options));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("MC_PRIVATE_KEY", KEEPER_KEY);
        Process process = builder.start();
        StringBuffer lines = new StringBuffer();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                output.lines().forEach(line -> lines.append(line).append('\n'));
            } catch (IOException ignored) {
                // the process ended
            }
        });
        return new KeeperProcess(process, lines, reader);
    }

    /** Whether the process ended within {@code timeout}; if so, its output has been read to the end. */
    boolean ended(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            return false;
        }
        reader.join(Duration.ofSeconds(10));
        return true;
    }

    void awaitLine(String text, Duration timeout) {
        Awaitility.await().atMost(timeout).until(() -> lines.toString().contains(text) || !process.isAlive());
        assertThat(lines.toString()).as("child output").contains(text);
    }

    String output() {
        return lines.toString();
    }
}
