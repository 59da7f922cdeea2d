package dev.margincall.devnet;

import java.util.ArrayList;
import java.util.List;

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
}
