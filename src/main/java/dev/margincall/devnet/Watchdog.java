package dev.margincall.devnet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The command line that runs a program behind a small shell watchdog: the program is killed as soon as
 * this JVM is gone, even after a SIGKILL that runs no shutdown hook, so no test or demo leaves a chain
 * (or a Prometheus) behind.
 */
public final class Watchdog {

    /** Runs "$@" in the background and kills it once the parent JVM ($1) is gone. */
    private static final String SCRIPT = """
            parent=$1; shift
            "$@" & child=$!
            trap 'kill $child 2>/dev/null; exit 0' TERM INT HUP
            while kill -0 "$parent" 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 1; done
            kill $child 2>/dev/null
            wait $child
            """;

    private Watchdog() {
    }

    /** {@code program} (executable and arguments) wrapped so that it dies with this JVM; {@code name} shows in ps. */
    public static List<String> command(String name, List<String> program) {
        List<String> command = new ArrayList<>(List.of("sh", "-c", SCRIPT, name, Long.toString(ProcessHandle.current().pid())));
        command.addAll(program);
        return command;
    }

    /**
     * Stops a process started with {@link #command}: the program and the watchdog get SIGTERM, up to
     * {@code grace} to exit, then SIGKILL; returns once they are gone (or after a bounded wait).
     */
    public static void stop(Process watchdog, Duration grace) {
        List<ProcessHandle> children = watchdog.descendants().toList();
        children.forEach(ProcessHandle::destroy);
        watchdog.destroy();
        try {
            if (!watchdog.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                children.forEach(ProcessHandle::destroyForcibly);
                watchdog.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            for (ProcessHandle child : children) {
                child.onExit().get(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            children.forEach(ProcessHandle::destroyForcibly);
            watchdog.destroyForcibly();
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            children.forEach(ProcessHandle::destroyForcibly);
        }
    }
}
