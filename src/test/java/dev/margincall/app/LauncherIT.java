package dev.margincall.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** bin/margin-call, the way the README runs it: a real process, its output and exit code. */
class LauncherIT {

    record Result(int exitCode, String output) {
    }

    static Result launch(String... args) throws IOException, InterruptedException {
        Path launcher = Path.of("bin", "margin-call").toAbsolutePath();
        String[] command = new String[args.length + 1];
        command[0] = launcher.toString();
        System.arraycopy(args, 0, command, 1, args.length);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
            return new Result(process.exitValue(), output);
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void theLauncherRunsTheJarAndPassesTheExitCodeThrough() throws Exception {
        Result version = launch("--version");
        assertThat(version.exitCode()).as(version.output()).isZero();
        assertThat(version.output()).contains("margin-call 0.1.0-SNAPSHOT");

        Result bad = launch("demo", "--users", "-1");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.output()).contains("--users must be between").doesNotContain("\tat ");
    }
}
