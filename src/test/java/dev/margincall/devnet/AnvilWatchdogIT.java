package dev.margincall.devnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A JVM killed with SIGKILL cannot clean up; the watchdog must stop its Anvil anyway. */
class AnvilWatchdogIT {

    @Test
    void anvilStopsWhenItsJvmIsKilled() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process holder = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"), AnvilHolder.class.getName())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        List<Long> descendants = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while (descendants.size() < 2 && (line = out.readLine()) != null) {
                if (line.startsWith("descendant ")) {
                    descendants.add(Long.parseLong(line.substring("descendant ".length())));
                }
            }
            assertThat(descendants).as("watchdog shell and Anvil started by the child JVM").hasSize(2);
            assertThat(descendants).allSatisfy(pid -> assertThat(ProcessHandle.of(pid)).isPresent());

            holder.destroyForcibly(); // SIGKILL: no shutdown hook, no close()
            assertThat(holder.waitFor(10, TimeUnit.SECONDS)).isTrue();

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(descendants).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                            .as("process %d still alive", pid).isFalse()));
        } finally {
            holder.destroyForcibly();
            descendants.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        }
    }
}
