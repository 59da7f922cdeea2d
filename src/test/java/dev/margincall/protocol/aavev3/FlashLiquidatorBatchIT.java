package dev.margincall.protocol.aavev3;

import static dev.margincall.chain.abi.Abi.address;
import static dev.margincall.chain.abi.Abi.uint;
import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.CallRevertedException;
import dev.margincall.chain.DevChain;
import dev.margincall.chain.TransactionReceipt;
import dev.margincall.chain.abi.Abi;
import dev.margincall.chain.abi.BatchEvents;
import dev.margincall.chain.abi.Erc20;
import dev.margincall.chain.abi.RevertReason;
import dev.margincall.chain.abi.Words;
import dev.margincall.core.Address;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.DevnetDeployer;
import dev.margincall.devnet.PriceMoveMethod;
import dev.margincall.devnet.SeededBorrower;
import dev.margincall.devnet.Transactor;
import dev.margincall.devnet.WithDevnet;
import dev.margincall.protocol.aavev3.model.BlockContext;
import dev.margincall.protocol.aavev3.model.LiquidationMath;
import dev.margincall.protocol.aavev3.model.LiquidationQuote;
import dev.margincall.protocol.aavev3.model.Market;
import dev.margincall.protocol.aavev3.model.Position;
import dev.margincall.protocol.aavev3.model.WadRayMath;
import dev.margincall.strategy.UniswapV2Math;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code FlashLiquidator.liquidateBatch} against the real Aave 3.6 Pool and Uniswap V2 of the devnet, after a 35 % WETH crash
 * written into its feed (the pool still prices WETH as before, so selling seized WETH pays): items of WETH collateral and
 * USDC debt quoted by the keeper's exact math at the block they are mined in. Every test runs on a snapshot and reverts it.
 */
@WithDevnet(borrowers = 400, seed = 16)
class FlashLiquidatorBatchIT {

    /** Anvil's dev account #2 (unlocked), used by no devnet role. */
    static final Address OWNER = Address.of("0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc");
    static final Address STRANGER = DevnetDeployer.derivedAddress("margin-call/test/batch-stranger");
    static final Address COMPETITOR = DevnetDeployer.derivedAddress("margin-call/test/batch-competitor");
    static final BigInteger ETHER = BigInteger.TEN.pow(18);
    static final BigInteger GAS = BigInteger.valueOf(12_000_000);

    static DevChain chain;
    static Transactor tx;
    static Deployment deployment;
    static Address pool;
    static Address weth;
    static Address usdc;
    static Address dai;
    static Address liquidator;
    static BigInteger premiumBps;
    /** Liquidatable seeded borrowers with WETH collateral and USDC debt, largest USDC debt first. */
    static List<Address> victims;
    /** Liquidatable seeded borrowers with WETH collateral and DAI debt. */
    static List<Address> daiVictims;

    private String snapshot;

    @BeforeAll
    static void deployAndCrash(Devnet devnet) {
        chain = devnet.chain();
        tx = new Transactor(chain);
        deployment = devnet.deployment();
        pool = deployment.aaveV3().pool();
        weth = deployment.reserve("WETH").asset();
        usdc = deployment.reserve("USDC").asset();
        dai = deployment.reserve("DAI").asset();
        for (Address account : List.of(OWNER, STRANGER, COMPETITOR)) {
            chain.setBalance(account, ETHER.multiply(BigInteger.valueOf(100)));
        }
        liquidator = tx.deploy("FlashLiquidator", OWNER, FlashLiquidator.deployData(deployment.aaveV3().poolAddressesProvider(),
                deployment.uniswapV2().router()));
        premiumBps = Abi.decodeUint(tx.call(pool, AaveV3Calls.flashLoanPremiumTotal()));
        devnet.market().movePrice("WETH", -3_500, PriceMoveMethod.STORAGE_WRITE);

        BlockHeader next = nextBlock();
        victims = new ArrayList<>();
        daiVictims = new ArrayList<>();
        for (SeededBorrower borrower : devnet.borrowers()) {
            if (quote(borrower.address(), next).isPresent()) {
                victims.add(borrower.address());
            }
            if (quote(borrower.address(), next, weth, dai).isPresent()) {
                daiVictims.add(borrower.address());
            }
        }
        assertThat(victims).as("liquidatable WETH/USDC borrowers").hasSizeGreaterThanOrEqualTo(12);
        assertThat(daiVictims).as("liquidatable WETH/DAI borrowers").hasSizeGreaterThanOrEqualTo(2);
    }

    @BeforeEach
    void takeSnapshot() {
        snapshot = chain.snapshot();
    }

    @AfterEach
    void revertToSnapshot() {
        chain.setAutomine(true);
        assertThat(chain.revert(snapshot)).isTrue();
    }

    @Test
    void anItemACompetitorTookFirstIsSkippedWithItsReasonAndTheOthersRealizeExactlyThePlannedProfit() {
        List<Address> accounts = victims.subList(0, 4);
        Address taken = accounts.get(1);
        BigInteger ownerBefore = balance(usdc, OWNER);
        BigInteger[] pairReserves = wethUsdcReserves();
        competitorReady();
        BlockHeader mining = nextBlock();
        List<LiquidationQuote> atMining = accounts.stream().map(a -> quote(a, mining).orElseThrow()).toList();
        TransactionReceipt receipt = afterACompetitorTakes(taken, batch(atMining));

        List<BatchEvents.ItemOutcome> outcomes = BatchEvents.outcomes(receipt.logs(), liquidator);
        assertThat(outcomes).hasSize(4);
        BatchEvents.ItemOutcome skipped = outcomes.get(1);
        assertThat(skipped.liquidated()).isFalse();
        assertThat(skipped.user()).isEqualTo(taken);
        RevertReason.Decoded reason = AaveV3Errors.parse(skipped.reason());
        assertThat(reason.name()).as("why the taken account was skipped").isNotBlank();
        BigInteger seized = BigInteger.ZERO;
        BigInteger repaid = BigInteger.ZERO;
        for (int i : List.of(0, 2, 3)) {
            BatchEvents.ItemOutcome done = outcomes.get(i);
            assertThat(done.liquidated()).isTrue();
            assertThat(done.debtCovered()).as("debt repaid, item %d", i).isEqualTo(atMining.get(i).debtToCover());
            assertThat(done.collateralSeized()).as("collateral seized, item %d", i).isEqualTo(atMining.get(i).collateralToLiquidator());
            seized = seized.add(done.collateralSeized());
            repaid = repaid.add(done.debtCovered());
        }
        // one swap of everything seized, into the pair as it was (the competitor does not trade); the loan covers all four
        BigInteger borrowed = atMining.stream().map(LiquidationQuote::debtToRequest).reduce(BigInteger.ZERO, BigInteger::add);
        BigInteger premium = ceilPercent(borrowed, premiumBps);
        BigInteger expected = UniswapV2Math.amountOut(seized, pairReserves[0], pairReserves[1]).subtract(repaid).subtract(premium);
        BatchEvents.Settled settled = BatchEvents.settlements(receipt.logs(), liquidator).get(0);
        assertThat(settled.borrowed()).isEqualTo(borrowed);
        assertThat(settled.profit()).as("profit, to the wei").isEqualTo(expected).isPositive();
        assertThat(balance(usdc, OWNER).subtract(ownerBefore)).isEqualTo(expected);
        assertThat(balance(usdc, liquidator)).as("the contract keeps nothing").isZero();
        assertThat(balance(weth, liquidator)).isZero();
        System.out.printf("batch: 3 of 4 items liquidated, the taken one skipped with %s; profit %s USDC units as planned%n", reason.name(), expected);
    }

    /**
     * The demo's failure, made deterministic: every item of one debt asset became invalid between planning and mining (here a
     * competitor liquidated those accounts first; on the demo the debt asset's price fell in the next block). That path's flash
     * loan would owe its premium with nothing sold to pay it: it is undone whole, its items reported skipped with their own
     * reasons, and the other debt asset's path, which runs after it, settles with exactly its planned profit.
     */
    @Test
    void aDebtAssetWhoseItemsAllBecameInvalidIsUndoneWholeAndTheOtherDebtAssetSettlesAsPlanned() {
        BlockHeader planning = nextBlock();
        List<LiquidationQuote> stale = daiVictims.stream().map(a -> quote(a, planning, weth, dai).orElseThrow()).toList();
        // the competitor liquidates every WETH/DAI account first, in blocks of its own, as much as Aave lets it
        fund(COMPETITOR, dai, BigInteger.TEN.pow(18 + 9));
        tx.send("competitor approves", COMPETITOR, dai, Erc20.approve(pool, WadRayMath.MAX_UINT256));
        for (Address account : daiVictims) {
            tx.send("competitor liquidates", new CallRequest(COMPETITOR, pool, AaveV3Calls.liquidationCall(weth, dai, account, WadRayMath.MAX_UINT256,
                    false), null, BigInteger.valueOf(2_000_000)));
        }
        // the DAI items as planned before: the first two whose account can no longer give what was planned
        BlockHeader mining = nextBlock();
        List<LiquidationQuote> daiItems = stale.stream().filter(q -> quote(q.account(), mining, weth, dai)
                .map(now -> now.collateralToLiquidator().compareTo(q.collateralToLiquidator()) < 0).orElse(true)).limit(2).toList();
        assertThat(daiItems).as("WETH/DAI items the competitor made invalid").hasSize(2);
        List<LiquidationQuote> usdcItems = victims.subList(0, 2).stream().map(a -> quote(a, mining).orElseThrow()).toList();
        BigInteger[] pairReserves = wethUsdcReserves();
        BigInteger ownerUsdc = balance(usdc, OWNER);
        BigInteger ownerDai = balance(dai, OWNER);

        // the failing path first: the path after it still runs
        List<LiquidationQuote> all = new ArrayList<>(daiItems);
        all.addAll(usdcItems);
        TransactionReceipt receipt = tx.send("two-path batch", new CallRequest(OWNER, liquidator, batch(all).calldata(), null, GAS));

        assertThat(receipt.success()).as("the batch mines").isTrue();
        List<BatchEvents.ItemOutcome> outcomes = BatchEvents.outcomes(receipt.logs(), liquidator);
        assertThat(outcomes).extracting(BatchEvents.ItemOutcome::index).containsExactly(0, 1, 2, 3);
        for (int i : List.of(0, 1)) {
            assertThat(outcomes.get(i).liquidated()).as("DAI item %d", i).isFalse();
            assertThat(outcomes.get(i).user()).isEqualTo(daiItems.get(i).account());
            assertThat(AaveV3Errors.parse(outcomes.get(i).reason()).name()).as("DAI item %d's own reason", i).isNotBlank()
                    .isNotEqualTo("NoItemLiquidated");
        }
        List<BatchEvents.PathSkipped> undone = BatchEvents.pathsSkipped(receipt.logs(), liquidator);
        assertThat(undone).singleElement().satisfies(p -> {
            assertThat(p.debtAsset()).isEqualTo(dai);
            assertThat(AaveV3Errors.parse(p.reason()).name()).isEqualTo("NoItemLiquidated");
        });
        BigInteger seized = BigInteger.ZERO;
        BigInteger repaid = BigInteger.ZERO;
        for (int i : List.of(2, 3)) {
            LiquidationQuote planned = usdcItems.get(i - 2);
            assertThat(outcomes.get(i).liquidated()).as("USDC item %d", i).isTrue();
            assertThat(outcomes.get(i).debtCovered()).isEqualTo(planned.debtToCover());
            assertThat(outcomes.get(i).collateralSeized()).isEqualTo(planned.collateralToLiquidator());
            seized = seized.add(planned.collateralToLiquidator());
            repaid = repaid.add(planned.debtToCover());
        }
        BigInteger borrowed = usdcItems.stream().map(LiquidationQuote::debtToRequest).reduce(BigInteger.ZERO, BigInteger::add);
        BigInteger expected = UniswapV2Math.amountOut(seized, pairReserves[0], pairReserves[1]).subtract(repaid).subtract(ceilPercent(borrowed, premiumBps));
        assertThat(BatchEvents.settlements(receipt.logs(), liquidator)).as("only USDC settles").singleElement().satisfies(settled -> {
            assertThat(settled.debtAsset()).isEqualTo(usdc);
            assertThat(settled.borrowed()).isEqualTo(borrowed);
            assertThat(settled.profit()).as("profit, to the wei").isEqualTo(expected).isPositive();
        });
        assertThat(balance(usdc, OWNER).subtract(ownerUsdc)).isEqualTo(expected);
        assertThat(balance(dai, OWNER)).as("no DAI lost to a premium").isEqualTo(ownerDai);
        for (Address token : List.of(usdc, dai, weth)) {
            assertThat(balance(token, liquidator)).as("the contract keeps nothing").isZero();
        }
        System.out.printf("two-path batch: DAI path undone (%s, %s), USDC path settled, profit %s USDC units as planned; gas %s%n",
                AaveV3Errors.parse(outcomes.get(0).reason()).name(), AaveV3Errors.parse(outcomes.get(1).reason()).name(), expected, receipt.gasUsed());
    }

    @Test
    void aBatchWhoseOnlyPathFailsMinesWithItsReasonsAndCostsTheOwnerNothingButGas() {
        BlockHeader mining = nextBlock();
        List<LiquidationQuote> quotes = victims.subList(0, 2).stream().map(a -> quote(a, mining).orElseThrow()).toList();
        LiquidationBatch batch = new LiquidationBatch(false);
        // a guard one unit above what each item seizes: every item fails its own check
        quotes.forEach(q -> batch.add(new LiquidationBatch.Item(q.collateralAsset(), q.debtAsset(), q.account(), q.debtToRequest(),
                q.collateralToLiquidator().add(BigInteger.ONE), List.of(weth, usdc), BigInteger.ZERO)));
        BigInteger ownerUsdc = balance(usdc, OWNER);
        // what the keeper's simulation sees first: the same item events (eth_simulateV1's logs), so it need not send it
        dev.margincall.chain.SimulatedCall simulated = chain.simulate(List.of(new CallRequest(OWNER, liquidator, batch.calldata(), null, GAS)),
                BlockTag.LATEST, 0).get(0);

        TransactionReceipt receipt = tx.send("batch of a failing path", new CallRequest(OWNER, liquidator, batch.calldata(), null, GAS));

        assertThat(receipt.success()).isTrue();
        assertThat(simulated.success()).isTrue();
        // as mined, but for the seized amounts in the reasons: the simulated block's timestamp accrues other interest
        java.util.function.Function<List<BatchEvents.ItemOutcome>, List<String>> shape = outcomes -> outcomes.stream()
                .map(o -> o.index() + " " + o.user() + " " + o.liquidated() + " " + AaveV3Errors.parse(o.reason()).name()).toList();
        assertThat(shape.apply(BatchEvents.outcomes(simulated.logs(), liquidator))).as("simulated item events as mined").hasSize(2)
                .isEqualTo(shape.apply(BatchEvents.outcomes(receipt.logs(), liquidator)));
        assertThat(BatchEvents.outcomes(receipt.logs(), liquidator)).hasSize(2).allSatisfy(o -> {
            assertThat(o.liquidated()).isFalse();
            assertThat(AaveV3Errors.parse(o.reason()).name()).isEqualTo("CollateralShortfall");
        });
        assertThat(BatchEvents.pathsSkipped(receipt.logs(), liquidator)).singleElement()
                .satisfies(p -> assertThat(AaveV3Errors.parse(p.reason()).name()).isEqualTo("NoItemLiquidated"));
        assertThat(BatchEvents.settlements(receipt.logs(), liquidator)).isEmpty();
        assertThat(balance(usdc, OWNER)).isEqualTo(ownerUsdc);
        assertThat(balance(usdc, liquidator)).isZero();
        for (LiquidationQuote q : quotes) {
            assertThat(quote(q.account(), nextBlock())).as("the account is still there to liquidate").isPresent();
        }
    }

    @Test
    void aBatchGivenTooLittleGasRevertsInsteadOfSkippingItsItemsAsFailed() {
        BlockHeader mining = nextBlock();
        LiquidationBatch batch = batch(victims.subList(0, 3).stream().map(a -> quote(a, mining).orElseThrow()).toList());
        BigInteger estimate = chain.estimateGas(new CallRequest(OWNER, liquidator, batch.calldata(), null, null));

        // two thirds of the estimate: enough to start the path's flash loan, not to finish it
        chain.setAutomine(false);
        String hash = chain.sendTransaction(new CallRequest(OWNER, liquidator, batch.calldata(), null,
                estimate.multiply(BigInteger.TWO).divide(BigInteger.valueOf(3))));
        chain.mine();
        chain.setAutomine(true);
        TransactionReceipt receipt = chain.receipt(hash).orElseThrow();

        assertThat(receipt.success()).as("out of gas reverts the batch: an item or a path skipped for want of gas would look like a real skip")
                .isFalse();
        TransactionReceipt enough = tx.send("the same batch with the estimate", new CallRequest(OWNER, liquidator, batch.calldata(), null, estimate));
        assertThat(BatchEvents.outcomes(enough.logs(), liquidator)).hasSize(3).allMatch(BatchEvents.ItemOutcome::liquidated);
    }

    @Test
    void onlyTheOwnerBatchesOnlyThePoolCallsBackForALoanTheContractStartedAndItemsRunOnlyFromTheContract() {
        BlockHeader next = nextBlock();
        LiquidationBatch batch = batch(List.of(quote(victims.get(0), next).orElseThrow()));
        assertThat(revert(new CallRequest(STRANGER, liquidator, batch.calldata(), null, GAS)).name()).isEqualTo("NotOwner");
        String callback = Abi.call("executeOperation(address[],uint256[],uint256[],address,bytes)",
                new org.web3j.abi.datatypes.DynamicArray<>(org.web3j.abi.datatypes.Address.class, List.of(address(usdc))),
                new org.web3j.abi.datatypes.DynamicArray<>(org.web3j.abi.datatypes.generated.Uint256.class, List.of(uint(BigInteger.ONE))),
                new org.web3j.abi.datatypes.DynamicArray<>(org.web3j.abi.datatypes.generated.Uint256.class, List.of(uint(BigInteger.ZERO))),
                address(STRANGER), Abi.bytes("0x"));
        assertThat(revert(new CallRequest(STRANGER, liquidator, callback, null, GAS)).name()).isEqualTo("NotPool");
        // anyone may ask the Pool for a flash loan to our contract: the callback refuses a loan it did not start
        String foreignLoan = Abi.call("flashLoan(address,address[],uint256[],uint256[],address,bytes,uint16)", address(liquidator),
                new org.web3j.abi.datatypes.DynamicArray<>(org.web3j.abi.datatypes.Address.class, List.of(address(usdc))),
                new org.web3j.abi.datatypes.DynamicArray<>(org.web3j.abi.datatypes.generated.Uint256.class, List.of(uint(BigInteger.TEN.pow(6)))),
                new org.web3j.abi.datatypes.DynamicArray<>(org.web3j.abi.datatypes.generated.Uint256.class, List.of(uint(BigInteger.ZERO))),
                address(STRANGER), Abi.bytes("0x"), Abi.uint16(0));
        assertThat(revert(new CallRequest(STRANGER, pool, foreignLoan, null, GAS)).name()).isEqualTo("BadInitiator");
        LiquidationQuote quote = quote(victims.get(0), next).orElseThrow();
        String item = Abi.call("liquidateItem((address,address,address,uint256,uint256,uint256))", new LiquidationBatch.ItemStruct(
                new LiquidationBatch.Item(weth, usdc, victims.get(0), quote.debtToCover(), BigInteger.ZERO, List.of(weth, usdc), BigInteger.ZERO), 0));
        assertThat(revert(new CallRequest(OWNER, liquidator, item, null, GAS)).name()).isEqualTo("NotSelf");
    }

    @Test
    void aBatchIsCheaperPerLiquidationThanSingleOnesAndOneAtTheGasCapMines() {
        // one liquidation through the single entry, on its own snapshot
        BlockHeader next = nextBlock();
        String before = chain.snapshot();
        LiquidationQuote first = quote(victims.get(0), next).orElseThrow();
        TransactionReceipt single = tx.send("single liquidation", new CallRequest(OWNER, liquidator, FlashLiquidator.liquidate(weth, usdc,
                first.account(), first.debtToRequest(), List.of(weth, usdc), BigInteger.ZERO, BigInteger.ZERO), null, GAS));
        long singleGas = single.gasUsed().longValueExact();
        assertThat(chain.revert(before)).isTrue();

        // the largest batch under a 3,000,000 gas cap (a per-transaction cap the planner can be given)
        long cap = 3_000_000;
        List<LiquidationQuote> quotes = new ArrayList<>();
        BlockHeader mining = nextBlock();
        for (Address account : victims) {
            List<LiquidationQuote> candidate = new ArrayList<>(quotes);
            candidate.add(quote(account, mining).orElseThrow());
            long estimate = chain.estimateGas(new CallRequest(OWNER, liquidator, batch(candidate).calldata(), null, null)).longValueExact();
            if (estimate > cap) {
                break;
            }
            quotes = candidate;
        }
        assertThat(quotes.size()).as("items under the cap").isGreaterThanOrEqualTo(4).isLessThan(victims.size());
        LiquidationBatch batch = batch(quotes);
        TransactionReceipt receipt = tx.send("batch at the cap", new CallRequest(OWNER, liquidator, batch.calldata(), null, BigInteger.valueOf(cap)));
        assertThat(receipt.gasUsed().longValueExact()).isLessThanOrEqualTo(cap);
        List<BatchEvents.ItemOutcome> outcomes = BatchEvents.outcomes(receipt.logs(), liquidator);
        assertThat(outcomes).hasSize(quotes.size()).allMatch(BatchEvents.ItemOutcome::liquidated);
        double perItem = receipt.gasUsed().doubleValue() / quotes.size();
        System.out.printf("gas: single liquidation %d; batch of %d under a %d cap %d (%.0f per item, %.1f %% of a single one)%n", singleGas,
                quotes.size(), cap, receipt.gasUsed(), perItem, 100 * perItem / singleGas);
        assertThat(perItem / singleGas).as("gas per liquidation in a batch / a single liquidation's").isLessThanOrEqualTo(0.70);
    }

    @Test
    void withTheOwnersTokensInsteadOfAFlashLoanTheOwnerGetsItsTokensBackWithTheProfit() {
        fund(OWNER, usdc, BigInteger.TEN.pow(6 + 9));
        tx.send("owner approves the contract", OWNER, usdc, Erc20.approve(liquidator, WadRayMath.MAX_UINT256));
        BigInteger ownerBefore = balance(usdc, OWNER);
        BigInteger[] pairReserves = wethUsdcReserves();
        BlockHeader next = nextBlock();
        List<LiquidationQuote> quotes = victims.subList(0, 3).stream().map(a -> quote(a, next).orElseThrow()).toList();
        LiquidationBatch batch = new LiquidationBatch(true);
        quotes.forEach(q -> batch.add(item(q)));
        TransactionReceipt receipt = tx.send("batch from the owner's tokens", new CallRequest(OWNER, liquidator, batch.calldata(), null, GAS));
        BigInteger seized = quotes.stream().map(LiquidationQuote::collateralToLiquidator).reduce(BigInteger.ZERO, BigInteger::add);
        BigInteger repaid = quotes.stream().map(LiquidationQuote::debtToCover).reduce(BigInteger.ZERO, BigInteger::add);
        BigInteger expected = UniswapV2Math.amountOut(seized, pairReserves[0], pairReserves[1]).subtract(repaid); // no premium
        assertThat(BatchEvents.settlements(receipt.logs(), liquidator).get(0).profit()).isEqualTo(expected);
        assertThat(balance(usdc, OWNER).subtract(ownerBefore)).isEqualTo(expected);
        assertThat(balance(usdc, liquidator)).isZero();
    }

    /**
     * Wallet funding in a batch: the owner's tokens pay, the seized collateral is kept (a swap path of the collateral alone)
     * and handed to the owner unsold, what the Pool did not take comes back. A competitor liquidates one of the accounts first
     * in the same block: that item is skipped, the others deliver exactly their quoted collateral for exactly their debt.
     */
    @Test
    void withTheOwnersTokensAndTheCollateralKeptTheOwnerGetsTheSeizedCollateralForTheDebtRepaidAndATakenItemIsSkipped() {
        fund(OWNER, usdc, BigInteger.TEN.pow(6 + 9));
        tx.send("owner approves the contract", OWNER, usdc, Erc20.approve(liquidator, WadRayMath.MAX_UINT256));
        List<Address> accounts = victims.subList(0, 4);
        Address taken = accounts.get(2);
        BigInteger usdcBefore = balance(usdc, OWNER);
        BigInteger wethBefore = balance(weth, OWNER);
        competitorReady();
        BlockHeader mining = nextBlock();
        List<LiquidationQuote> atMining = accounts.stream().map(a -> quote(a, mining).orElseThrow()).toList();
        LiquidationBatch batch = new LiquidationBatch(true);
        atMining.forEach(q -> batch.add(keptItem(q)));
        TransactionReceipt receipt = afterACompetitorTakes(taken, batch);

        List<BatchEvents.ItemOutcome> outcomes = BatchEvents.outcomes(receipt.logs(), liquidator);
        assertThat(outcomes).hasSize(4);
        assertThat(outcomes.get(2).liquidated()).as("the account the competitor took").isFalse();
        assertThat(outcomes.get(2).user()).isEqualTo(taken);
        BigInteger seized = BigInteger.ZERO;
        BigInteger repaid = BigInteger.ZERO;
        for (int i : List.of(0, 1, 3)) {
            assertThat(outcomes.get(i).liquidated()).as("item %d", i).isTrue();
            assertThat(outcomes.get(i).debtCovered()).as("debt repaid, item %d", i).isEqualTo(atMining.get(i).debtToCover());
            assertThat(outcomes.get(i).collateralSeized()).as("collateral seized, item %d", i).isEqualTo(atMining.get(i).collateralToLiquidator());
            seized = seized.add(atMining.get(i).collateralToLiquidator());
            repaid = repaid.add(atMining.get(i).debtToCover());
        }
        assertThat(balance(weth, OWNER).subtract(wethBefore)).as("collateral to the owner, to the wei").isEqualTo(seized);
        assertThat(usdcBefore.subtract(balance(usdc, OWNER))).as("the owner paid exactly the debt repaid").isEqualTo(repaid);
        assertThat(BatchEvents.settlements(receipt.logs(), liquidator).get(0).profit()).isZero();
        assertThat(balance(usdc, liquidator)).as("the contract keeps nothing").isZero();
        assertThat(balance(weth, liquidator)).isZero();
    }

    /**
     * An owner holding less than the batch's items repay: the contract takes what there is, the items it covers run, the one
     * it does not is skipped (the Pool's pull fails), and nothing reverts. A kept collateral in a flash-loan batch is refused:
     * the loan must be repaid in its own asset.
     */
    @Test
    void anOwnerShortOfTheBatchsDebtPaysTheItemsItCoversAndAFlashLoanBatchCannotKeepItsCollateral() {
        BlockHeader next = nextBlock();
        List<LiquidationQuote> quotes = victims.subList(0, 3).stream().map(a -> quote(a, next).orElseThrow()).toList();
        BigInteger firstTwo = quotes.get(0).debtToRequest().add(quotes.get(1).debtToRequest());
        BigInteger usdcBefore = balance(usdc, OWNER);
        fund(OWNER, usdc, firstTwo);
        tx.send("owner approves the contract", OWNER, usdc, Erc20.approve(liquidator, WadRayMath.MAX_UINT256));
        LiquidationBatch batch = new LiquidationBatch(true);
        quotes.forEach(q -> batch.add(keptItem(q)));
        TransactionReceipt receipt = tx.send("batch short of tokens", new CallRequest(OWNER, liquidator, batch.calldata(), null, GAS));
        List<BatchEvents.ItemOutcome> outcomes = BatchEvents.outcomes(receipt.logs(), liquidator);
        assertThat(outcomes).extracting(BatchEvents.ItemOutcome::liquidated).containsExactly(true, true, false);
        assertThat(BatchEvents.settlements(receipt.logs(), liquidator).get(0).borrowed()).as("pulled: what the owner had").isEqualTo(
                usdcBefore.add(firstTwo));
        assertThat(balance(usdc, liquidator)).isZero();

        LiquidationBatch flash = new LiquidationBatch(false);
        flash.add(keptItem(quotes.get(0)));
        assertThat(revert(new CallRequest(OWNER, liquidator, flash.calldata(), null, GAS)).name()).isEqualTo("BadSwapPath");
    }

    /** Gas of wallet funding: a bare {@code liquidationCall} from the owner against the same liquidations in one kept batch. */
    @Test
    void aWalletBatchIsCheaperPerLiquidationThanTheWalletsOwnLiquidationCalls() {
        fund(OWNER, usdc, BigInteger.TEN.pow(6 + 9));
        tx.send("owner approves the contract", OWNER, usdc, Erc20.approve(liquidator, WadRayMath.MAX_UINT256));
        tx.send("owner approves the pool", OWNER, usdc, Erc20.approve(pool, WadRayMath.MAX_UINT256));
        BlockHeader next = nextBlock();
        String before = chain.snapshot();
        long singles = 0;
        int n = 8;
        for (int i = 0; i < n; i++) {
            LiquidationQuote quote = quote(victims.get(i), nextBlock()).orElseThrow();
            TransactionReceipt single = tx.send("wallet liquidation", new CallRequest(OWNER, pool, AaveV3Calls.liquidationCall(weth, usdc,
                    quote.account(), quote.debtToRequest(), false), null, GAS));
            singles += single.gasUsed().longValueExact();
        }
        assertThat(chain.revert(before)).isTrue();
        BlockHeader mining = nextBlock();
        LiquidationBatch batch = new LiquidationBatch(true);
        victims.subList(0, n).forEach(a -> batch.add(keptItem(quote(a, mining).orElseThrow())));
        TransactionReceipt receipt = tx.send("wallet batch", new CallRequest(OWNER, liquidator, batch.calldata(), null, GAS));
        assertThat(BatchEvents.outcomes(receipt.logs(), liquidator)).hasSize(n).allMatch(BatchEvents.ItemOutcome::liquidated);
        double single = (double) singles / n;
        double perItem = receipt.gasUsed().doubleValue() / n;
        System.out.printf("wallet gas: liquidationCall from the wallet %.0f on average over %d; batch of %d %d (%.0f per item, %.1f %% of a single one)%n",
                single, n, n, receipt.gasUsed(), perItem, 100 * perItem / single);
        assertThat(perItem / single).as("gas per liquidation in a wallet batch / the wallet's own liquidationCall").isLessThanOrEqualTo(0.70);
    }

    // --- helpers -----------------------------------------------------------------------------------------------------

    /** The competitor, funded with USDC and approving the Pool (two blocks mined: quote after this). */
    private static void competitorReady() {
        fund(COMPETITOR, usdc, BigInteger.TEN.pow(6 + 9));
        tx.send("competitor approves", COMPETITOR, usdc, Erc20.approve(pool, WadRayMath.MAX_UINT256));
    }

    /** A competitor's liquidation of {@code taken} and then our {@code batch}, in that order, in one block: the batch's receipt (it mined). */
    private static TransactionReceipt afterACompetitorTakes(Address taken, LiquidationBatch batch) {
        chain.setAutomine(false);
        chain.sendTransaction(new CallRequest(COMPETITOR, pool, AaveV3Calls.liquidationCall(weth, usdc, taken, WadRayMath.MAX_UINT256, false),
                null, BigInteger.valueOf(2_000_000)));
        String hash = chain.sendTransaction(new CallRequest(OWNER, liquidator, batch.calldata(), null, GAS));
        chain.mine();
        chain.setAutomine(true);
        TransactionReceipt receipt = chain.receipt(hash).orElseThrow();
        assertThat(receipt.success()).as("the batch mines").isTrue();
        return receipt;
    }

    private static LiquidationBatch batch(List<LiquidationQuote> quotes) {
        LiquidationBatch batch = new LiquidationBatch(false);
        quotes.forEach(q -> batch.add(item(q)));
        return batch;
    }

    /** An item guarded by its quote's collateral; the swap's floor price at zero (the per-asset profit check guards the batch). */
    private static LiquidationBatch.Item item(LiquidationQuote quote) {
        return new LiquidationBatch.Item(quote.collateralAsset(), quote.debtAsset(), quote.account(), quote.debtToRequest(),
                quote.collateralToLiquidator(), List.of(quote.collateralAsset(), quote.debtAsset()), BigInteger.ZERO);
    }

    /** An item whose collateral is kept (wallet funding): its swap path is the collateral alone. */
    private static LiquidationBatch.Item keptItem(LiquidationQuote quote) {
        return new LiquidationBatch.Item(quote.collateralAsset(), quote.debtAsset(), quote.account(), quote.debtToRequest(),
                quote.collateralToLiquidator(), List.of(quote.collateralAsset()), BigInteger.ZERO);
    }

    /** The header the next mined block will have (automine, a fixed timestamp interval). */
    private static BlockHeader nextBlock() {
        BlockHeader latest = chain.block(BlockTag.LATEST);
        return new BlockHeader(latest.number() + 1, latest.hash(), latest.hash(), latest.timestamp() + DevnetDeployer.BLOCK_INTERVAL_SECONDS,
                latest.baseFeePerGas(), latest.gasLimit());
    }

    /** The keeper's WETH/USDC quote of {@code account} at {@code at}'s timestamp, with the state of the latest block. */
    private static java.util.Optional<LiquidationQuote> quote(Address account, BlockHeader at) {
        return quote(account, at, weth, usdc);
    }

    /** The keeper's quote of {@code account} for one (collateral, debt) pair at {@code at}'s timestamp, with the state of the latest block. */
    private static java.util.Optional<LiquidationQuote> quote(Address account, BlockHeader at, Address collateral, Address debt) {
        AaveV3Reader reader = new AaveV3Reader(chain, deployment.multicall3());
        AaveV3Contracts contracts = reader.discover(deployment.aaveV3().poolAddressesProvider(), BlockTag.LATEST);
        Market market = reader.loadMarket(contracts, BlockTag.LATEST);
        Map<Address, BigInteger> prices = reader.loadPrices(contracts, market, BlockTag.LATEST);
        Position position = reader.loadPositions(contracts, market, List.of(account), BlockTag.LATEST).get(0);
        return LiquidationMath.quotes(new BlockContext(market, prices, at.timestamp()), position).stream()
                .filter(q -> q.collateralAsset().equals(collateral) && q.debtAsset().equals(debt)).findFirst();
    }

    /** {WETH reserve, USDC reserve} of the Uniswap pair. */
    private static BigInteger[] wethUsdcReserves() {
        String reserves = tx.call(deployment.uniswapV2().pairs().get("WETH/USDC"), Abi.call("getReserves()"));
        boolean wethFirst = weth.compareTo(usdc) < 0;
        return new BigInteger[] {Words.uint(reserves, wethFirst ? 0 : 1), Words.uint(reserves, wethFirst ? 1 : 0)};
    }

    private static BigInteger ceilPercent(BigInteger amount, BigInteger bps) {
        return dev.margincall.core.Rounding.ceilDiv(amount.multiply(bps), BigInteger.valueOf(10_000));
    }

    private static void fund(Address who, Address token, BigInteger amount) {
        tx.send("mint", who, token, Abi.call("mint(uint256)", uint(amount)));
    }

    private static BigInteger balance(Address token, Address owner) {
        return Abi.decodeUint(tx.call(token, Abi.call("balanceOf(address)", address(owner))));
    }

    private static RevertReason.Decoded revert(CallRequest call) {
        try {
            chain.call(call, BlockTag.LATEST);
        } catch (CallRevertedException e) {
            return AaveV3Errors.parse(e.data());
        }
        throw new AssertionError("expected " + call + " to revert");
    }
}
