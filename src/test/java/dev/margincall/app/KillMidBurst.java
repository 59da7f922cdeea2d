package dev.margincall.app;

import static dev.margincall.app.KeeperIT.KEEPER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.ChainJson;
import dev.margincall.chain.DevChain;
import dev.margincall.chain.FaultProxy;
import dev.margincall.devnet.Devnet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * {@code kill -9} (or a graceful stop, {@link Stop}) of `margin-call run` in the middle of a burst of liquidations, and its restart on the same state
 * directory (KeeperCrashIT on Aave, KeeperMorphoCrashIT on Morpho Blue): the keeper runs through the test's RPC proxy;
 * after a crash the proxy passes some sends and holds the rest, and the process is killed while it waits (SIGKILL: no
 * shutdown hook, no final checkpoint, no journal rewrite). The held sends are dropped: they never reach the node.
 */
final class KillMidBurst {

    private static final Pattern SENT_NONCE = Pattern.compile("event=\"sent\".*?nonce=\"(\\d+)\"");

    private KillMidBurst() {
    }

    /** How the first keeper ends mid-burst. */
    enum Stop {
        /** {@code kill -9}: no shutdown hook, no final checkpoint, no journal rewrite. */
        KILL,
        /**
         * SIGTERM (an operator's stop): the keeper stops planning, tracks what is in flight for its grace (3 s here; the
         * chain mines nothing meanwhile, so nothing settles), then writes its checkpoint and journal and exits (143: the
         * JVM's 128 + SIGTERM after its hooks). The held sends are answered with an error as the signal goes out (an
         * endpoint failing them), so its send can return.
         */
        TERM
    }

    /** What the killed keeper left: the crash's block, its nonce before the crash, its output, the nonces its journal holds. */
    record Killed(long crashBlock, long nonceBefore, String output, Set<Long> journaled) {
    }

    /** The keeper's config for an RPC endpoint (the test's proxy). */
    interface ConfigAt {
        Path at(String rpcUrl) throws IOException;
    }

    /** Checks a run after the restart: what the killed keeper left, and the restarted keeper's output. */
    interface AfterRestart {
        void check(Killed killed, String output) throws Exception;
    }

    /**
     * The keeper through the test's proxy, started; {@code crash} (which mines its block and returns it); the proxy passes
     * {@code passed} sends and holds the rest, the process is killed while it waits, and the held sends are dropped. Then
     * {@code beforeRestart}, the keeper started again on the same state directory, a block mined every second from the moment
     * it says it started until it is done, and {@code check}. Every process and thread stops on the way out, whatever failed.
     */
    static void run(Devnet devnet, ConfigAt configAt, int passed, LongSupplier crash, Runnable beforeRestart, AfterRestart check) throws Exception {
        run(devnet, configAt, passed, crash, beforeRestart, check, Stop.KILL);
    }

    /** As above, the first keeper ended by {@code stop}. */
    static void run(Devnet devnet, ConfigAt configAt, int passed, LongSupplier crash, Runnable beforeRestart, AfterRestart check, Stop stop)
            throws Exception {
        DevChain chain = devnet.chain();
        Path state = Files.createTempDirectory("keeper-crash");
        ScheduledExecutorService miner = Executors.newSingleThreadScheduledExecutor();
        try (FaultProxy proxy = new FaultProxy(devnet.deployment().rpcUrl())) {
            Path config = configAt.at(proxy.url());
            KeeperProcess first = stop == Stop.KILL ? KeeperProcess.start(config, state) : KeeperProcess.start(config, state, "--stop-grace-seconds", "3");
            try {
                first.awaitLine("keeper started", Duration.ofSeconds(120));
                // after the start: with wallet batches it approves its contract first (awaited, mined)
                long nonceBefore = chain.transactionCount(KEEPER, BlockTag.LATEST);
                chain.setAutomine(false);
                proxy.holdAfter("eth_sendRawTransaction", passed);
                long crashBlock = crash.getAsLong();
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> proxy.heldCount() >= 1);
                if (stop == Stop.KILL) {
                    first.process().destroyForcibly();
                    assertThat(first.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
                    proxy.releaseDropping();
                } else {
                    first.process().toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of its output
                    proxy.releaseDropping();
                    assertThat(first.ended(Duration.ofSeconds(60))).as("stopped within its grace").isTrue();
                    // the JVM ends a run a signal stopped with 128 + 15 once its shutdown hooks are done; the hook's last line says it stopped
                    assertThat(first.process().exitValue()).as("a graceful stop's exit code").isEqualTo(143);
                    assertThat(first.output()).contains("keeper stopped");
                }
                Killed killed = new Killed(crashBlock, nonceBefore, first.output(), journalNonces(state));
                if (stop == Stop.KILL) {
                    assertThat(chain.pendingTransactionCount()).as("sends that reached the node before the kill").isEqualTo(passed);
                } else {
                    // stopping, it finished the round it was sending (the held sends failed and were sent again), planned
                    // nothing new, and rewrote its journal with what it left in flight
                    assertThat(killed.journaled()).isNotEmpty();
                    assertThat(killed.output()).contains("stopping with " + killed.journaled().size() + " transaction(s) still in flight");
                    assertThat(chain.pendingTransactionCount()).as("sends that reached the node").isLessThanOrEqualTo(killed.journaled().size());
                }
                beforeRestart.run();

                KeeperProcess second = KeeperProcess.start(config, state);
                try {
                    second.awaitLine("keeper started", Duration.ofSeconds(120));
                    miner.scheduleAtFixedRate(chain::mine, 0, 1, TimeUnit.SECONDS);
                    awaitDone(chain);
                    check.check(killed, second.output());
                } finally {
                    second.process().destroyForcibly();
                }
            } finally {
                first.process().destroyForcibly();
                proxy.release();
            }
        } finally {
            miner.shutdownNow();
            miner.awaitTermination(5, TimeUnit.SECONDS);
            chain.setAutomine(true);
        }
    }

    /** Waits until the keeper has sent nothing new for a few blocks and nothing of its is pending. */
    private static void awaitDone(DevChain chain) {
        long[] stable = {-1, -1};
        Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
            long latest = chain.transactionCount(KEEPER, BlockTag.LATEST);
            boolean settled = chain.transactionCount(KEEPER, BlockTag.PENDING) == latest;
            if (!settled || latest != stable[0]) {
                stable[0] = latest;
                stable[1] = chain.blockNumber();
                return false;
            }
            return chain.blockNumber() - stable[1] >= 4;
        });
    }

    /** The nonces of the keeper's "sent" lines in {@code output}: the sends whose answer came back. */
    static Set<Long> sentNonces(String output) {
        Matcher matcher = SENT_NONCE.matcher(output);
        Set<Long> nonces = new TreeSet<>();
        while (matcher.find()) {
            nonces.add(Long.parseLong(matcher.group(1)));
        }
        return nonces;
    }

    /** The nonces of the send journal in the state directory {@code state}. */
    static Set<Long> journalNonces(Path state) throws IOException {
        try (var files = Files.list(state)) {
            Path journal = files.filter(p -> p.getFileName().toString().startsWith("sent-")).findFirst().orElseThrow();
            Set<Long> nonces = new TreeSet<>();
            for (String line : Files.readAllLines(journal)) {
                if (!line.isBlank()) {
                    nonces.add(ChainJson.MAPPER.readTree(line).path("nonce").asLong());
                }
            }
            return nonces;
        }
    }

    /**
     * The restarted keeper's nonces against the killed one's journal, for a burst larger than what the killed keeper
     * signed: it found every journaled transaction, the sends acknowledged before the kill are journaled ones (at most
     * {@code passed}), and it signed the rest at new nonces, right after the journal's.
     */
    static void assertNothingSignedTwice(Killed killed, String output, int passed) {
        assertNothingSignedTwice(killed, output, java.util.OptionalInt.of(passed));
    }

    /** As above; {@code passed} empty: the first keeper's acknowledged sends are not bounded (a graceful stop finishes its round). */
    static void assertNothingSignedTwice(Killed killed, String output, java.util.OptionalInt passed) {
        Set<Long> journaled = killed.journaled();
        assertThat(output).as("restart found the journaled transactions").contains("event=\"recovered\"")
                .contains("inFlight=\"" + journaled.size() + "\"");
        assertThat(sentNonces(killed.output())).as("sends acknowledged before the kill (a batch is answered whole)").isSubsetOf(journaled);
        passed.ifPresent(bound -> assertThat(sentNonces(killed.output())).as("at most the sends the proxy passed").hasSizeLessThanOrEqualTo(bound));
        Set<Long> after = sentNonces(output);
        assertThat(after).as("nonces signed after the restart").isNotEmpty().doesNotContainAnyElementsOf(journaled);
        assertThat(after.stream().mapToLong(Long::longValue).min().orElseThrow()).as("new transactions start right after the journal's")
                .isEqualTo(journaled.stream().mapToLong(Long::longValue).max().orElseThrow() + 1);
    }
}
