package dev.margincall.app;

import static dev.margincall.app.KeeperIT.KEEPER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.chain.abi.Abi;
import dev.margincall.core.Address;
import dev.margincall.core.Hex;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.Transactor;
import dev.margincall.devnet.WithDevnet;
import dev.margincall.protocol.aavev3.model.WadRayMath;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

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

    /** Simulating a block's transactions before sending (the default) and sending each first, verifying after. */
    @org.junit.jupiter.params.ParameterizedTest(name = "simulateBeforeSend: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void killedMidBurstThenRestartedNothingIsSentTwiceNoNonceGapEveryAccountLiquidated(boolean simulateBeforeSend, Devnet devnet) throws Exception {
        // the crash's liquidations go out as 1, then JSON-RPC batches of 2 and 4 (sending first as simulating first): the
        // proxy passes five, two of the third batch, and holds the rest of it, so seven were signed and journaled, and the
        // answers of the first three sends (a batch is answered whole) came back
        killAndRestart(devnet, new Mode(simulateBeforeSend, Optional.empty(), 5, OptionalInt.of(7), OptionalInt.of(3), KillMidBurst.Stop.KILL));
    }

    /**
     * The same burst stopped gracefully (SIGTERM, an operator's stop) while the proxy holds a send: the held sends fail, the
     * keeper finishes the round it was sending, plans nothing new, tracks what it sent for its grace (the chain mines nothing
     * meanwhile), rewrites its journal with it and says so. The restart recovers those at their nonces, re-sends the lost
     * ones, signs nothing new for them, and every account is liquidated with nothing reverted and no nonce gap.
     */
    @org.junit.jupiter.api.Test
    void stoppedGracefullyMidBurstThenRestartedNothingIsSentTwiceNoNonceGapEveryAccountLiquidated(Devnet devnet) throws Exception {
        killAndRestart(devnet, new Mode(false, Optional.empty(), 5, OptionalInt.empty(), OptionalInt.empty(), KillMidBurst.Stop.TERM));
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
        killAndRestart(devnet, new Mode(true, Optional.of(contract), 1, OptionalInt.empty(), OptionalInt.empty(), KillMidBurst.Stop.KILL));
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
        killMidBurstAndRestart(devnet, url -> config(devnet.deployment(), url, false, Optional.empty()), 5, KillMidBurst.Stop.KILL, undoTheCrash, (killed, output) -> {
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
            assertThat(KillMidBurst.sentNonces(output)).as("nothing new signed").isEmpty();
        });
    }

    /**
     * @param contract     wallet batches through this contract of the keeper's, or none (one transaction a liquidation)
     * @param passed       sends the proxy lets through before it holds the rest
     * @param signed       transactions signed and journaled before the kill, where the mode fixes it (else: more than passed)
     * @param acknowledged sends whose answer came back before the kill, where the mode fixes it (else: at most passed)
     * @param stop         how the first keeper ends
     */
    private record Mode(boolean simulateBeforeSend, Optional<Address> contract, int passed, OptionalInt signed, OptionalInt acknowledged,
                        KillMidBurst.Stop stop) {
    }

    private void killAndRestart(Devnet devnet, Mode mode) throws Exception {
        boolean simulateBeforeSend = mode.simulateBeforeSend();
        killMidBurstAndRestart(devnet, url -> config(devnet.deployment(), url, simulateBeforeSend, mode.contract()), mode.passed(), mode.stop(), () -> { },
                (killed, secondOutput) -> {
                    Set<Long> journaled = killed.journaled();
                    String firstOutput = killed.output();
                    // both keepers' logs beside the test's report: what a failure here is diagnosed from
                    Files.writeString(Path.of("target", "KeeperCrashIT-simulateBeforeSend-" + simulateBeforeSend
                                    + (mode.contract().isPresent() ? "-wallet-batches" : "") + "-" + mode.stop() + ".log"),
                            "---- before the kill\n" + firstOutput + "---- after the restart\n" + secondOutput);
                    mode.signed().ifPresentOrElse(
                            signed -> assertThat(journaled).as("journal: every signed transaction, the lost ones included").hasSize(signed),
                            () -> assertThat(journaled).as("journal: the sent and the held transactions").hasSizeGreaterThan(mode.passed()));
                    long cancels = secondOutput.lines().filter(l -> l.contains("event=\"cancelled\"")).count();
                    Set<Address> ours = mode.contract().map(c -> Set.of(KEEPER, c)).orElse(Set.of(KEEPER));
                    KeeperHarness.Result result = KeeperHarness.chainResult(devnet, ours, killed.crashBlock(), killed.nonceBefore(), cancels,
                            Set.of(), List.of());
                    KillMidBurst.assertNothingSignedTwice(killed, secondOutput,
                            mode.stop() == KillMidBurst.Stop.KILL ? OptionalInt.of(mode.passed()) : OptionalInt.empty());
                    mode.acknowledged().ifPresent(n -> assertThat(KillMidBurst.sentNonces(firstOutput)).hasSize(n));
                    result.print(mode.stop() + " mid-burst, simulateBeforeSend " + simulateBeforeSend + (mode.contract().isPresent() ? ", wallet batches" : ""));
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

    /** {@link KillMidBurst#run} on this devnet's Aave market: the wallet funded and approved, {@link KeeperHarness#crash} the crash. */
    private static void killMidBurstAndRestart(Devnet devnet, KillMidBurst.ConfigAt configAt, int passed, KillMidBurst.Stop stop, Runnable beforeRestart,
                                               KillMidBurst.AfterRestart check) throws Exception {
        approveWalletFunding(devnet);
        KillMidBurst.run(devnet, configAt, passed, () -> KeeperHarness.crash(devnet), beforeRestart, check, stop);
    }

    /** The keeper's wallet holds every reserve's token and lets the Pool pull them. */
    static void approveWalletFunding(Devnet devnet) {
        KeeperIT.fundKeeperWithTokens(devnet);
        Transactor tx = new Transactor(devnet.chain());
        for (Deployment.Reserve reserve : devnet.deployment().reserves()) {
            tx.send("keeper approves " + reserve.symbol(), KEEPER, reserve.asset(),
                    Abi.call("approve(address,uint256)", Abi.address(devnet.deployment().aaveV3().pool()), Abi.uint(WadRayMath.MAX_UINT256)));
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
}
