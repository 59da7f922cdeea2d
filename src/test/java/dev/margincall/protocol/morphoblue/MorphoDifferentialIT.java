package dev.margincall.protocol.morphoblue;

import static dev.margincall.chain.abi.Abi.address;
import static dev.margincall.chain.abi.Abi.uint;
import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.CallRevertedException;
import dev.margincall.chain.DevChain;
import dev.margincall.chain.LogEntry;
import dev.margincall.chain.TransactionReceipt;
import dev.margincall.chain.abi.Abi;
import dev.margincall.chain.abi.Words;
import dev.margincall.core.Address;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.DevnetDeployer;
import dev.margincall.devnet.MarketMover;
import dev.margincall.devnet.MorphoBorrower;
import dev.margincall.devnet.PriceMoveMethod;
import dev.margincall.devnet.Transactor;
import dev.margincall.devnet.WithDevnet;
import dev.margincall.protocol.morphoblue.model.InterestAccrual;
import dev.margincall.protocol.morphoblue.model.Liquidation;
import dev.margincall.protocol.morphoblue.model.LiquidationQuote;
import dev.margincall.protocol.morphoblue.model.MarketState;
import dev.margincall.protocol.morphoblue.model.PositionHealth;
import dev.margincall.protocol.morphoblue.model.PositionState;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Morpho model against the real, compiled Morpho Blue on Anvil, to the wei: for every seeded position (3 markets
 * × 170) after seeding, after a crash and after 30 days, the model accrues each market from what the chain stores
 * (market, oracle price, the IRM's borrowRateView) to the next block's timestamp; then, in a snapshot, the chain
 * accrues for real ({@code accrueInterest} in a block at that timestamp) and must hold exactly the model's totals and
 * fee shares, repaying each position's shares must cost exactly the model's {@code borrowed} (the contract's
 * toAssetsUp), and {@code liquidate} must refuse exactly the positions the model calls healthy. Real liquidations of
 * both sizing modes, one realizing bad debt, must emit exactly the model's quote.
 */
@WithDevnet(borrowers = 170, seed = 11, protocols = "aave-v3,morpho-blue")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MorphoDifferentialIT {

    private static final Logger log = LoggerFactory.getLogger(MorphoDifferentialIT.class);

    /** Holds every loan token and has approved Morpho: its eth_call repayments price a position's debt. */
    private static final Address REPAYER = DevnetDeployer.derivedAddress("margin-call/test/morpho-repayer");
    /** Holds nothing: its eth_call liquidations revert "position is healthy" or, past that check, on the payment. */
    private static final Address PROBE = DevnetDeployer.derivedAddress("margin-call/test/morpho-probe");
    private static final Address LIQUIDATOR = DevnetDeployer.derivedAddress("margin-call/test/morpho-liquidator");
    private static final BigInteger PLENTY = BigInteger.TEN.pow(40);
    private static final BigInteger MAX_FEE = BigInteger.valueOf(1_000_000_000_000L);
    private static final long DAY = 86_400;

    private static boolean funded;

    record Comparison(int positions, int liquidatable, int marketsAccrued) {
    }

    @Test
    @Order(1)
    void afterSeedingEveryPositionIsWhatTheChainComputes(Devnet devnet) {
        Comparison result = compareAll(devnet, 12);
        assertThat(result.positions()).isGreaterThanOrEqualTo(500);
        assertThat(result.liquidatable()).isZero();
    }

    @Test
    @Order(2)
    void afterACrashEveryPositionIsWhatTheChainComputes(Devnet devnet) {
        MarketMover mover = devnet.market();
        mover.movePrice("WETH", -1_200, PriceMoveMethod.STORAGE_WRITE);
        mover.movePrice("WBTC", -1_000, PriceMoveMethod.STORAGE_WRITE);
        Deployment.MorphoMarket correlated = morpho(devnet).market("WSTETH/WETH");
        BigInteger pegged = mover.morpho().oraclePrice(correlated);
        mover.morpho().setOraclePrice(correlated, pegged.multiply(BigInteger.valueOf(96)).divide(BigInteger.valueOf(100))); // a 4 % depeg
        devnet.chain().mine();
        assertThat(mover.morpho().oraclePrice(correlated)).isLessThan(pegged);

        Comparison result = compareAll(devnet, 12);
        assertThat(result.positions()).isGreaterThanOrEqualTo(500);
        assertThat(result.liquidatable()).isGreaterThan(100);
    }

    @Test
    @Order(3)
    void realLiquidationsEmitExactlyTheModelsQuote(Devnet devnet) {
        fund(devnet, LIQUIDATOR);
        Deployment.MorphoBlue morpho = morpho(devnet);
        List<LiquidationQuote> done = new ArrayList<>();
        Deployment.MorphoMarket wethUsdc = morpho.market("WETH/USDC");
        done.add(liquidate(devnet, wethUsdc, l -> Optional.of(l.largest()).filter(LiquidationQuote::realizesBadDebt), true));
        done.add(liquidate(devnet, wethUsdc, l -> quote(() -> l.bySeizedAssets(collateralOf(l).divide(BigInteger.TWO)))
                .filter(q -> !q.realizesBadDebt()), true));
        done.add(liquidate(devnet, morpho.market("WBTC/USDC"), l -> quote(() -> l.byRepaidShares(sharesOf(l).divide(BigInteger.valueOf(3)))), false));
        done.add(liquidate(devnet, morpho.market("WBTC/USDC"), l -> Optional.of(l.largest()), null));
        done.add(liquidate(devnet, morpho.market("WSTETH/WETH"), l -> Optional.of(l.largest()), null));
        done.add(liquidate(devnet, morpho.market("WSTETH/WETH"), l -> quote(() -> l.byRepaidShares(BigInteger.ONE.max(sharesOf(l).divide(BigInteger.TEN)))), false));
        assertThat(done).hasSize(6).anyMatch(LiquidationQuote::realizesBadDebt).anyMatch(q -> !q.realizesBadDebt());
    }

    @Test
    @Order(4)
    void thirtyDaysLaterEveryPositionIsWhatTheChainComputes(Devnet devnet) {
        Comparison result = compareAll(devnet, 30 * DAY);
        assertThat(result.positions()).isGreaterThanOrEqualTo(500);
        assertThat(result.marketsAccrued()).isEqualTo(3);
    }

    // --- the comparison -----------------------------------------------------------------------------

    /** The model at the next block {@code seconds} from now against the chain accruing in that block (in a snapshot). */
    private Comparison compareAll(Devnet devnet, long seconds) {
        fund(devnet, REPAYER);
        DevChain chain = devnet.chain();
        Deployment.MorphoBlue morpho = morpho(devnet);
        MorphoChain reads = new MorphoChain(chain, morpho);
        long at = chain.block(BlockTag.LATEST).timestamp() + seconds;

        record Expected(Deployment.MorphoMarket market, InterestAccrual accrual, BigInteger feeRecipientShares, List<Address> accounts,
                        List<PositionState> positions, List<PositionHealth> health) {
        }
        List<Expected> expected = new ArrayList<>();
        for (Deployment.MorphoMarket market : morpho.markets()) {
            MarketState stored = reads.market(market);
            InterestAccrual accrual = InterestAccrual.accrue(stored, reads.borrowRateView(market, stored), at);
            BigInteger price = reads.price(market);
            List<Address> accounts = devnet.morphoBorrowers().get(market.name()).stream().map(MorphoBorrower::address).toList();
            List<PositionState> positions = reads.positions(market, accounts);
            List<PositionHealth> health = positions.stream().map(p -> PositionHealth.of(p, accrual.market(), price, market.lltv())).toList();
            BigInteger feeShares = reads.position(market, morpho.feeRecipient()).supplyShares().add(accrual.feeShares());
            expected.add(new Expected(market, accrual, feeShares, accounts, positions, health));
        }

        String snapshot = chain.snapshot();
        int compared = 0;
        int liquidatable = 0;
        int accrued = 0;
        try {
            accrueAllAt(chain, morpho, at);
            for (Expected e : expected) {
                assertThat(reads.market(e.market())).as("%s totals at %d", e.market().name(), at).isEqualTo(e.accrual().market());
                assertThat(reads.position(e.market(), morpho.feeRecipient()).supplyShares()).as("%s fee recipient shares", e.market().name())
                        .isEqualTo(e.feeRecipientShares());
                if (e.accrual().interest().signum() > 0) {
                    accrued++;
                }
                // repay refuses zero shares ("inconsistent input"): a liquidated-out position owes nothing, and is asked nothing
                List<Integer> owing = java.util.stream.IntStream.range(0, e.accounts().size())
                        .filter(i -> e.positions().get(i).borrowShares().signum() > 0).boxed().toList();
                List<CallRequest> repayments = owing.stream().map(i -> new CallRequest(REPAYER, morpho.morpho(),
                        MorphoChain.repayShares(e.market(), e.positions().get(i).borrowShares(), e.accounts().get(i)), null, null)).toList();
                List<String> repaid = chain.calls(repayments, BlockTag.LATEST);
                for (int i = 0; i < e.accounts().size(); i++) {
                    PositionHealth health = e.health().get(i);
                    String who = e.market().name() + " " + e.accounts().get(i);
                    int k = owing.indexOf(i);
                    BigInteger chainBorrowed = k < 0 ? BigInteger.ZERO : Words.uint(repaid.get(k), 0);
                    assertThat(chainBorrowed).as("borrowed by %s", who).isEqualTo(health.borrowed());
                    boolean chainHealthy = refusesLiquidation(chain, morpho, e.market(), e.accounts().get(i));
                    assertThat(chainHealthy).as("healthy per the chain: %s (%s)", who, health).isEqualTo(health.healthy());
                    assertThat(health.maxBorrow().compareTo(chainBorrowed) >= 0).as("maxBorrow of %s", who).isEqualTo(chainHealthy);
                    compared++;
                    if (!chainHealthy) {
                        liquidatable++;
                    }
                }
            }
        } finally {
            assertThat(chain.revert(snapshot)).isTrue();
        }
        log.info("Morpho differential at +{} s: {} positions equal to the wei, {} liquidatable, {} markets accrued interest",
                seconds, compared, liquidatable, accrued);
        return new Comparison(compared, liquidatable, accrued);
    }

    /** Every market's accrueInterest in one block mined at {@code timestamp}. */
    private static void accrueAllAt(DevChain chain, Deployment.MorphoBlue morpho, long timestamp) {
        long nonce = chain.transactionCount(DevnetDeployer.DEPLOYER, BlockTag.LATEST);
        List<CallRequest> transactions = new ArrayList<>();
        for (Deployment.MorphoMarket market : morpho.markets()) {
            transactions.add(new CallRequest(DevnetDeployer.DEPLOYER, morpho.morpho(), MorphoChain.accrueInterest(market), null,
                    BigInteger.valueOf(500_000)).withNonce(nonce++).withFees(MAX_FEE, BigInteger.ZERO));
        }
        List<String> hashes;
        chain.setAutomine(false);
        try {
            hashes = chain.sendTransactions(transactions);
            chain.setNextBlockTimestamp(timestamp);
            chain.mine();
        } finally {
            chain.setAutomine(true);
        }
        assertThat(chain.block(BlockTag.LATEST).timestamp()).as("the accrual block's timestamp").isEqualTo(timestamp);
        assertThat(chain.receipts(hashes)).allSatisfy(r -> assertThat(r).hasValueSatisfying(t -> assertThat(t.success()).isTrue()));
    }

    /** The chain's own health check: liquidate reverts "position is healthy" exactly when Morpho._isHealthy holds. */
    private static boolean refusesLiquidation(DevChain chain, Deployment.MorphoBlue morpho, Deployment.MorphoMarket market, Address borrower) {
        try {
            chain.call(new CallRequest(PROBE, morpho.morpho(), MorphoChain.liquidate(market, borrower, BigInteger.ONE, BigInteger.ZERO), null, null),
                    BlockTag.LATEST);
            throw new AssertionError("a liquidation by an account without funds went through for " + borrower);
        } catch (CallRevertedException e) {
            return e.reason().contains("position is healthy");
        }
    }

    // --- real liquidations ----------------------------------------------------------------------------

    /**
     * Liquidates the first borrower of {@code market} for which {@code choose} gives a quote at the next block, by
     * the quote's sizing ({@code bySeized}: true seized assets, false repaid shares, null: whichever the quote took
     * all of), and compares the Liquidate event and the state after with the quote made from the state before.
     */
    private LiquidationQuote liquidate(Devnet devnet, Deployment.MorphoMarket market, Function<Liquidation, Optional<LiquidationQuote>> choose,
                                       Boolean bySeized) {
        DevChain chain = devnet.chain();
        MorphoChain reads = new MorphoChain(chain, morpho(devnet));
        MarketState stored = reads.market(market);
        BigInteger rate = reads.borrowRateView(market, stored);
        BigInteger price = reads.price(market);
        long next = chain.block(BlockTag.LATEST).timestamp() + DevnetDeployer.BLOCK_INTERVAL_SECONDS;
        MarketState accrued = InterestAccrual.accrue(stored, rate, next).market();
        for (MorphoBorrower borrower : devnet.morphoBorrowers().get(market.name())) {
            PositionState position = reads.position(market, borrower.address());
            if (position.borrowShares().signum() == 0 || PositionHealth.of(position, accrued, price, market.lltv()).healthy()) {
                continue;
            }
            Optional<LiquidationQuote> planned = choose.apply(new Liquidation(position, accrued, price, market.lltv()));
            if (planned.isEmpty()) {
                continue;
            }
            boolean seizedMode = bySeized != null ? bySeized : planned.get().seizedAssets().equals(position.collateral());
            String calldata = seizedMode ? MorphoChain.liquidate(market, borrower.address(), planned.get().seizedAssets(), BigInteger.ZERO)
                    : MorphoChain.liquidate(market, borrower.address(), BigInteger.ZERO, planned.get().repaidShares());
            TransactionReceipt receipt = new Transactor(chain).send("liquidate " + borrower.address() + " in " + market.name(), LIQUIDATOR,
                    morpho(devnet).morpho(), calldata, 1_000_000);

            // The quote again, from the state before and the block the liquidation really landed in.
            long landed = chain.blocks(List.of(receipt.blockNumber())).get(0).timestamp();
            InterestAccrual accrual = InterestAccrual.accrue(stored, rate, landed);
            Liquidation model = new Liquidation(position, accrual.market(), price, market.lltv());
            LiquidationQuote quote = seizedMode ? model.bySeizedAssets(planned.get().seizedAssets()) : model.byRepaidShares(planned.get().repaidShares());
            LogEntry event = receipt.logs().stream().filter(l -> MorphoChain.LIQUIDATE_EVENT.equals(l.topic0())).findFirst().orElseThrow();
            assertThat(java.util.stream.IntStream.range(0, 5).mapToObj(i -> Words.uint(event.data(), i)).toList()).as("Liquidate(repaidAssets, repaidShares, seizedAssets, badDebtAssets, badDebtShares) of %s in %s",
                    borrower.address(), market.name()).containsExactly(quote.repaidAssets(), quote.repaidShares(), quote.seizedAssets(),
                    quote.badDebtAssets(), quote.badDebtShares());
            assertThat(reads.position(market, borrower.address())).isEqualTo(quote.positionAfter());
            assertThat(reads.market(market)).isEqualTo(quote.marketAfter());
            log.info("Morpho liquidation in {} of {} by {}: repaid {} assets / {} shares, seized {}, bad debt {} / {}", market.name(),
                    borrower.address(), seizedMode ? "seized assets" : "repaid shares", quote.repaidAssets(), quote.repaidShares(),
                    quote.seizedAssets(), quote.badDebtAssets(), quote.badDebtShares());
            return quote;
        }
        throw new AssertionError("no borrower of " + market.name() + " fits the liquidation asked for");
    }

    private static Optional<LiquidationQuote> quote(java.util.function.Supplier<LiquidationQuote> quote) {
        try {
            return Optional.of(quote.get());
        } catch (Liquidation.Reverts reverts) {
            return Optional.empty();
        }
    }

    private static BigInteger collateralOf(Liquidation liquidation) {
        return liquidation.largest().seizedAssets().max(BigInteger.ONE);
    }

    private static BigInteger sharesOf(Liquidation liquidation) {
        return liquidation.largest().repaidShares().max(BigInteger.ONE);
    }

    /** Mints every market's loan token to {@code account} and approves Morpho for it (once per account; kept across snapshots). */
    private static void fund(Devnet devnet, Address account) {
        DevChain chain = devnet.chain();
        Deployment.MorphoBlue morpho = morpho(devnet);
        if (Abi.decodeUint(chain.call(CallRequest.call(morpho.markets().get(0).loanToken(), Abi.call("balanceOf(address)", address(account))),
                BlockTag.LATEST)).signum() > 0) {
            return;
        }
        chain.setBalance(account, BigInteger.TEN.pow(20));
        Transactor tx = new Transactor(chain);
        for (Address token : morpho.markets().stream().map(Deployment.MorphoMarket::loanToken).distinct().toList()) {
            tx.send("mint", account, token, Abi.call("mint(uint256)", uint(PLENTY)));
            tx.send("approve", account, token, Abi.call("approve(address,uint256)", address(morpho.morpho()), uint(PLENTY)));
        }
    }

    private static Deployment.MorphoBlue morpho(Devnet devnet) {
        return devnet.deployment().morphoBlue();
    }
}
