package dev.margincall.devnet;

import dev.margincall.chain.web3j.Web3jEthRpc;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Anvil from the npm package as a child process on 127.0.0.1. A small shell watchdog sits between
 * us and Anvil and kills it when this JVM disappears, so no test or demo can leave a chain running,
 * even when the JVM is killed with SIGKILL.
 */
public final class AnvilProcess implements ChainNode {

    private static final Logger log = LoggerFactory.getLogger(AnvilProcess.class);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final int port;
    private final Path logFile;
    /** Anvil's own $HOME: where it saves past states ({@code .foundry/anvil/tmp}), deleted on {@link #close()}. */
    private final Path home;

    private AnvilProcess(Process process, int port, Path logFile, Path home) {
        this.process = process;
        this.port = port;
        this.logFile = logFile;
        this.home = home;
    }

    public static AnvilProcess start(AnvilOptions options) {
        return start(ChainTools.locate(), options);
    }

    public static AnvilProcess start(ChainTools tools, AnvilOptions options) {
        int attempts = options.port() == 0 ? 3 : 1;
        DevnetException last = null;
        for (int attempt = 0; attempt < attempts; attempt++) {
            int port = options.port() == 0 ? freePort() : options.port();
            try {
                return launch(tools, options, port);
            } catch (DevnetException e) {
                last = e; // a free port can be taken between probing and binding: try another one
            }
        }
        throw last;
    }

    private static AnvilProcess launch(ChainTools tools, AnvilOptions options, int port) {
        Path logFile;
        Path home;
        Process process;
        try {
            logFile = Files.createTempFile("margin-call-anvil-" + port + "-", ".log");
            // Anvil writes the states of past blocks under $HOME/.foundry/anvil/tmp and leaves them there when it is
            // stopped (seen: 79 GB after a day of test runs). A home of its own, deleted on close, keeps nothing behind.
            home = Files.createTempDirectory("margin-call-anvil-home-");
            List<String> anvil = new ArrayList<>(List.of(tools.anvil().toString()));
            anvil.addAll(options.arguments("127.0.0.1", port));
            List<String> command = Watchdog.command("anvil-watchdog", anvil);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile());
            builder.environment().put("HOME", home.toString());
            process = builder.start();
        } catch (IOException e) {
            throw new DevnetException("could not start Anvil (" + tools.anvil() + "): " + e.getMessage(), e);
        }
        AnvilProcess anvil = new AnvilProcess(process, port, logFile, home);
        try {
            anvil.awaitReady();
        } catch (RuntimeException e) {
            String tail = anvil.logTail();
            anvil.close();
            throw new DevnetException("Anvil did not come up on 127.0.0.1:" + port + ": " + e.getMessage()
                    + (tail.isBlank() ? "" : "\nAnvil said:\n" + tail), e);
        }
        log.info("anvil started on {} (pid {})", anvil.rpcUrl(), process.pid());
        return anvil;
    }

    private void awaitReady() {
        Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
        RuntimeException last = null;
        try (Web3jEthRpc rpc = new Web3jEthRpc(rpcUrl(), Duration.ofSeconds(2))) {
            while (Instant.now().isBefore(deadline)) {
                if (!process.isAlive()) {
                    throw new DevnetException("Anvil exited with code " + process.exitValue());
                }
                try {
                    rpc.chainId();
                    return;
                } catch (RuntimeException notYet) {
                    last = notYet;
                }
                sleep(50);
            }
        }
        throw new DevnetException("no answer within " + STARTUP_TIMEOUT.toSeconds() + " s" + (last == null ? "" : ": " + last.getMessage()));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new DevnetException("no free TCP port on 127.0.0.1: " + e.getMessage(), e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DevnetException("interrupted while waiting for Anvil", e);
        }
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive() && process.descendants().anyMatch(ProcessHandle::isAlive);
    }

    @Override
    public String rpcUrl() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public String wsUrl() {
        return "ws://127.0.0.1:" + port;
    }

    @Override
    public String backend() {
        return "anvil-process";
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        Watchdog.stop(process, Duration.ofSeconds(5));
        try {
            Files.deleteIfExists(logFile);
        } catch (IOException ignored) {
            // a leftover temp log is harmless
        }
        deleteTree(home);
    }

    /** Deletes Anvil's own home (its saved states), best effort. */
    private static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException ignored) {
                    // best effort: a file Anvil still writes is left to the OS's temp cleanup
                }
            });
        } catch (IOException | java.io.UncheckedIOException ignored) {
            // best effort, as above
        }
    }
}
