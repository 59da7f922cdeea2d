package dev.margincall.app;

import static dev.margincall.app.KeeperIT.KEEPER;
import static dev.margincall.app.KeeperIT.KEEPER_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.DevChain;
import dev.margincall.chain.FaultProxy;
import dev.margincall.chain.abi.Abi;
import dev.margincall.core.Address;
import dev.margincall.core.Hex;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.Transactor;
import dev.margincall.devnet.WithDevnet;
import dev.margincall.protocol.aavev3.model.WadRayMath;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * {@code kill -9} of the keeper process in the middle of a burst of liquidations (issue 12). The keeper
 * runs as `margin-call run` through the test's RPC proxy; after a crash makes many accounts liquidatable,
 * the proxy lets five sends through and holds the rest, and the process is killed while it waits: the keeper
 * sends the first alone, then batches of 2 and 4, so the proxy passes two of the third batch and holds its other
 * two. The held sends never reach the node (the worst case: their nonces would be a gap). The restarted keeper,
 * same state directory, finds the seven journaled transactions, tracks them at their nonces (re-sending the lost
 * ones after re-simulating them), signs nothing new for those nonces, and liquidates every account.
 */
@WithDevnet(borrowers = 120, seed = 1212, revertEachTest = true)
class KeeperCrashIT {

    /** The assets {@link KeeperHarness#crash} moves. */
    private static final List<String> CRASHED = List.of("WETH", "WBTC", "DAI");
    private static final Pattern SENT_NONCE = Pattern.compile("event=\"sent\".*?nonce=\"(\\d+)\"");

    /** Simulating a block's transactions before sending (the default) and sending each first, verifying after. */
    @org.junit.jupiter.params.ParameterizedTest(name = "simulateBeforeSend: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void killedMidBurstThenRestartedNothingIsSentTwiceNoNonceGapEveryAccountLiquidated(boolean simulateBeforeSend, Devnet devnet) throws Exception {
        // the crash's liquidations go out as 1, then JSON-RPC batches of 2 and 4 (sending first as simulating first): the
        // proxy passes five, two of the third batch, and holds the rest of it, so seven were signed and journaled, and the
        // answers of the first three sends (a batch is answered whole) came back
        killAndRestart(devnet, new Mode(simulateBeforeSend, Optional.empty(), 5, OptionalInt.of(7), OptionalInt.of(3)));
    }

    /**
     * The same kill with wallet funding batched through the keeper's FlashLiquidator: the crash's liquidations ride in a few
     * batch transactions; the proxy passes the first send and holds the others. The restarted keeper recovers the journaled
     * batches at their nonces (the held ones re-simulated and re-sent), signs nothing new for them, and every account is
     * liquidated, by the wallet or by the contract, nothing reverted.
     */
    @org.junit.jupiter.api.Test
    void killedWithWalletBatchesInFlightThenRestartedNothingIsSentTwiceNoNonceGapEveryAccountLiquidated(Devnet devnet) throws Exception {
        Address contract = KeeperIT.deployLiquidator(devnet);
        killAndRestart(devnet, new Mode(true, Optional.of(contract), 1, OptionalInt.empty(), OptionalInt.empty()));
    }

    /**
     * Killed mid-burst (sending first), and before the restart the prices go back to where they were (as a state change
     * with no block: the opportunity of every transaction sent goes before any of them is mined). The restarted keeper
     * checks the journaled transactions at once, before it starts: each is cancelled at its nonce, those in the pool by
     * replacement, the lost ones filling their nonces; the next block, mined the moment the keeper says it started,
     * holds no reverted liquidation. (Checked at the first head instead, as before, the pool's transactions were mined
     * reverted: once in a CI run, with a crash half-applied when the killed keeper planned.)
     */
    @org.junit.jupiter.api.Test
    void killedWithSentLiquidationsWhoseOpportunityWentRestartedCancelsThemBeforeTheNextBlock(Devnet devnet) throws Exception {
        Map<String, BigInteger> before = new java.util.HashMap<>();
        for (String symbol : CRASHED) {
            before.put(symbol, devnet.market().price(symbol));
        }
        Runnable undoTheCrash = () -> before.forEach((symbol, price) ->
                devnet.chain().setStorageAt(devnet.market().priceSource(symbol), KeeperIT.STORAGE_SLOT_ANSWER, Hex.word(price)));
        killMidBurstAndRestart(devnet, url -> config(devnet.deployment(), url, false, Optional.empty()), 5, undoTheCrash, (killed, output) -> {
            Files.writeString(Path.of("target", "KeeperCrashIT-opportunity-gone.log"), "---- before the kill\n" + killed.output()
                    + "---- after the restart\n" + output);
            long cancels = output.lines().filter(l -> l.contains("event=\"cancelled\"")).count();
            KeeperHarness.Result result = KeeperHarness.chainResult(devnet, Set.of(KEEPER), killed.crashBlock(), killed.nonceBefore(), cancels,
                    Set.of(), List.of());
            assertThat(output.lines().filter(l -> l.contains("event=\"cancelling\"")))
                    .as("every journaled transaction cancelled at its nonce, the reason named")
                    .hasSize(killed.journaled().size()).allSatisfy(l -> assertThat(l).contains("HealthFactorNotBelowThreshold()"));
            assertThat(output.indexOf("event=\"cancelling\"")).as("cancelled before the keeper said it started")
                    .isLessThan(output.indexOf("keeper started"));
            assertThat(result.reverted()).as("reverted keeper transactions").isZero();
            assertThat(result.liquidations()).as("nothing liquidated: no opportunity is left").isEmpty();
            assertThat(cancels).as("cancellations mined").isEqualTo(killed.journaled().size());
            assertThat(result.pendingNonces()).as("no nonce gap or stuck nonce").isZero();
            assertThat(sentNonces(output)).as("nothing new signed").isEmpty();
        });
    }

    /**
     * @param contract     wallet batches through this contract of the keeper's, or none (one transaction a liquidation)
     * @param passed       sends the proxy lets through before it holds the rest
     * @param signed       transactions signed and journaled before the kill, where the mode fixes it (else: more than passed)
     * @param acknowledged sends whose answer came back before the kill, where the mode fixes it (else: at most passed)
     */
    private record Mode(boolean simulateBeforeSend, Optional<Address> contract, int passed, OptionalInt signed, OptionalInt acknowledged) {
    }

    private void killAndRestart(Devnet devnet, Mode mode) throws Exception {
        boolean simulateBeforeSend = mode.simulateBeforeSend();
        killMidBurstAndRestart(devnet, url -> config(devnet.deployment(), url, simulateBeforeSend, mode.contract()), mode.passed(), () -> { },
                (killed, secondOutput) -> {
                    Set<Long> journaled = killed.journaled();
                    String firstOutput = killed.output();
                    // both keepers' logs beside the test's report: what a failure here is diagnosed from
                    Files.writeString(Path.of("target", "KeeperCrashIT-simulateBeforeSend-" + simulateBeforeSend
                                    + (mode.contract().isPresent() ? "-wallet-batches" : "") + ".log"),
                            "---- before the kill\n" + firstOutput + "---- after the restart\n" + secondOutput);
                    mode.signed().ifPresentOrElse(
                            signed -> assertThat(journaled).as("journal: every signed transaction, the lost ones included").hasSize(signed),
                            () -> assertThat(journaled).as("journal: the sent and the held transactions").hasSizeGreaterThan(mode.passed()));
                    long cancels = secondOutput.lines().filter(l -> l.contains("event=\"cancelled\"")).count();
                    Set<Address> ours = mode.contract().map(c -> Set.of(KEEPER, c)).orElse(Set.of(KEEPER));
                    KeeperHarness.Result result = KeeperHarness.chainResult(devnet, ours, killed.crashBlock(), killed.nonceBefore(), cancels,
                            Set.of(), List.of());
                    assertThat(secondOutput).as("restart found the journaled transactions").contains("event=\"recovered\"")
                            .contains("inFlight=\"" + journaled.size() + "\"");
                    Set<Long> secondNonces = sentNonces(secondOutput);
                    Set<Long> acknowledged = sentNonces(firstOutput);
                    assertThat(acknowledged).as("sends acknowledged before the kill (a batch is answered whole)").isSubsetOf(journaled)
                            .hasSizeLessThanOrEqualTo(mode.passed());
                    mode.acknowledged().ifPresent(n -> assertThat(acknowledged).hasSize(n));
                    assertThat(secondNonces).as("nonces signed after the restart").isNotEmpty().doesNotContainAnyElementsOf(journaled);
                    assertThat(secondNonces.stream().mapToLong(Long::longValue).min().orElseThrow())
                            .as("new transactions start right after the journal's").isEqualTo(journaled.stream().mapToLong(Long::longValue).max().orElseThrow() + 1);
                    result.print("kill -9 mid-burst, simulateBeforeSend " + simulateBeforeSend + (mode.contract().isPresent() ? ", wallet batches" : ""));
                    if (mode.contract().isPresent()) {
                        assertThat(result.liquidations().size()).as("liquidations in more than one a transaction: batches")
                                .isGreaterThan(result.liquidatingTransactions());
                    }
                    assertThat(result.reverted()).as("reverted keeper transactions; the keepers' lines about reverts and cancellations:%n%s",
                            (firstOutput + secondOutput).lines().filter(l -> l.contains("revert") || l.contains("cancel")).limit(40)
                                    .collect(java.util.stream.Collectors.joining("\n"))).isZero();
                    assertThat(result.pendingNonces()).as("no nonce gap or stuck nonce").isZero();
                    assertThat(result.firstLiquidationBlock().keySet()).as("every account the crash made liquidatable was liquidated")
                            .isEqualTo(result.liquidatableAfterCrash());
                });
    }

    /** What the killed keeper left: the crash's block, its nonce before the crash, its output, the nonces its journal holds. */
    private record Killed(long crashBlock, long nonceBefore, String output, Set<Long> journaled) {
    }

    /** The keeper's config for an RPC endpoint (the test's proxy). */
    private interface ConfigAt {
        Path at(String rpcUrl) throws IOException;
    }

    /** Checks a run after the restart: what the killed keeper left, and the restarted keeper's output. */
    private interface AfterRestart {
        void check(Killed killed, String output) throws Exception;
    }

    /**
     * The keeper (`margin-call run`, its wallet funded) through the test's proxy; a crash; the proxy passes {@code passed}
     * sends and holds the rest, the process is killed (SIGKILL: no shutdown hook, no final checkpoint, no journal rewrite)
     * while it waits, and the held sends are dropped (they never reach the node). Then {@code beforeRestart}, the keeper
     * started again on the same state directory, a block mined every second from the moment it says it started until it is
     * done, and {@code check}. Every process and thread stops on the way out, whatever failed.
     */
    private void killMidBurstAndRestart(Devnet devnet, ConfigAt configAt, int passed, Runnable beforeRestart, AfterRestart check)
            throws Exception {
        DevChain chain = devnet.chain();
        approveWalletFunding(devnet);
        Path state = Files.createTempDirectory("keeper-crash");
        ScheduledExecutorService miner = Executors.newSingleThreadScheduledExecutor();
        try (FaultProxy proxy = new FaultProxy(devnet.deployment().rpcUrl())) {
            Path config = configAt.at(proxy.url());
            Child first = Child.start(config, state);
            try {
                first.awaitLine("keeper started", Duration.ofSeconds(120));
                // after the start: with wallet batches it approves its contract for every reserve first (awaited, mined)
                long nonceBefore = chain.transactionCount(KEEPER, BlockTag.LATEST);
                chain.setAutomine(false);
                proxy.holdAfter("eth_sendRawTransaction", passed);
                long crashBlock = KeeperHarness.crash(devnet);
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> proxy.heldCount() >= 1);
                first.process.destroyForcibly();
                assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
                proxy.releaseDropping();
                assertThat(chain.pendingTransactionCount()).as("sends that reached the node before the kill").isEqualTo(passed);
                Killed killed = new Killed(crashBlock, nonceBefore, first.output(), journalNonces(state));
                beforeRestart.run();

                Child second = Child.start(config, state);
                try {
                    second.awaitLine("keeper started", Duration.ofSeconds(120));
                    miner.scheduleAtFixedRate(chain::mine, 0, 1, TimeUnit.SECONDS);
                    awaitDone(chain);
                    check.check(killed, second.output());
                } finally {
                    second.process.destroyForcibly();
                }
            } finally {
                first.process.destroyForcibly();
                proxy.release();
            }
        } finally {
            miner.shutdownNow();
            miner.awaitTermination(5, TimeUnit.SECONDS);
            chain.setAutomine(true);
        }
    }

    /** The keeper's wallet holds every reserve's token and lets the Pool pull them. */
    private static void approveWalletFunding(Devnet devnet) {
        KeeperIT.fundKeeperWithTokens(devnet);
        Transactor tx = new Transactor(devnet.chain());
        for (Deployment.Reserve reserve : devnet.deployment().reserves()) {
            tx.send("keeper approves " + reserve.symbol(), KEEPER, reserve.asset(),
                    Abi.call("approve(address,uint256)", Abi.address(devnet.deployment().aaveV3().pool()), Abi.uint(WadRayMath.MAX_UINT256)));
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

    private static Set<Long> sentNonces(String output) {
        Matcher matcher = SENT_NONCE.matcher(output);
        Set<Long> nonces = new java.util.TreeSet<>();
        while (matcher.find()) {
            nonces.add(Long.parseLong(matcher.group(1)));
        }
        return nonces;
    }

    private static Set<Long> journalNonces(Path state) throws IOException {
        try (var files = Files.list(state)) {
            Path journal = files.filter(p -> p.getFileName().toString().startsWith("sent-")).findFirst().orElseThrow();
            Set<Long> nonces = new java.util.TreeSet<>();
            for (String line : Files.readAllLines(journal)) {
                if (!line.isBlank()) {
                    nonces.add(dev.margincall.chain.ChainJson.MAPPER.readTree(line).path("nonce").asLong());
                }
            }
            return nonces;
        }
    }

    private static Path config(Deployment deployment, String rpc, boolean simulateBeforeSend, Optional<Address> contract) throws IOException {
        return ForkAndCheckConfigIT.config(rpc, deployment, """
                execution:
                  signer: { privateKeyEnv: MC_PRIVATE_KEY }
                  funding: wallet
                  simulateBeforeSend: %s
                %smetrics: { port: 0 }
                """.formatted(simulateBeforeSend, contract.map(c -> "  liquidatorContract: \"" + c + "\"\n").orElse("")));
    }

    /** `margin-call run` as a child process, its output collected (also MorphoRestartIT's). */
    record Child(Process process, StringBuffer lines) {

        static Child start(Path config, Path state) throws IOException {
            ProcessBuilder builder = new ProcessBuilder(Path.of("bin", "margin-call").toAbsolutePath().toString(), "run", "--config", config.toString(),
                    "--state-dir", state.toString(), "--poll-ms", "50").redirectErrorStream(true);
            builder.environment().put("MC_PRIVATE_KEY", KEEPER_KEY);
            Process process = builder.start();
            StringBuffer lines = new StringBuffer();
            Thread.ofVirtual().start(() -> {
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    reader.lines().forEach(line -> lines.append(line).append('\n'));
                } catch (IOException ignored) {
                    // the process ended
                }
            });
            return new Child(process, lines);
        }

        void awaitLine(String text, Duration timeout) {
            Awaitility.await().atMost(timeout).until(() -> lines.toString().contains(text) || !process.isAlive());
            assertThat(lines.toString()).as("child output").contains(text);
        }

        String output() {
            return lines.toString();
        }
    }
}
