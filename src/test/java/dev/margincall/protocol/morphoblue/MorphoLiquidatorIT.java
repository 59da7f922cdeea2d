package dev.margincall.protocol.morphoblue;

import static dev.margincall.chain.abi.Abi.address;
import static dev.margincall.chain.abi.Abi.uint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.CallRevertedException;
import dev.margincall.chain.DevChain;
import dev.margincall.chain.TransactionReceipt;
import dev.margincall.chain.abi.Abi;
import dev.margincall.chain.abi.Erc20;
import dev.margincall.chain.abi.RevertReason;
import dev.margincall.chain.abi.Words;
import dev.margincall.core.Address;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.DevnetDeployer;
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
import dev.margincall.strategy.UniswapV2Math;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.abi.datatypes.DynamicArray;

/**
 * contracts/MorphoLiquidator.sol against the real, compiled Morpho Blue 1.0.0 and Uniswap V2 of the devnet: WETH down
 * 15 % (Morpho's oracles follow, the pools are arbitraged to the new price) leaves positions of the WETH/USDC market
 * liquidatable. The owner holds no USDC: Morpho's callback lets the contract pay from the sale of what it seized. Every
 * expected amount comes from the pure model (accrual to the landing block's timestamp, Morpho's liquidate rounding) and
 * Uniswap V2's getAmountOut on the pair's reserves, to the wei. Every test runs on a snapshot and reverts it afterwards.
 */
@WithDevnet(borrowers = 40, seed = 5, protocols = "aave-v3,morpho-blue")
class MorphoLiquidatorIT {

    /** Anvil's dev account #1 (unlocked): no devnet role uses it. */
    static final Address KEEPER = Address.of("0x70997970c51812dc3a010c7d01b50e0d17dc79c8");
    static final Address STRANGER = DevnetDeployer.derivedAddress("margin-call/test/morpho-stranger");
    static final Address WALLET = DevnetDeployer.derivedAddress("margin-call/test/morpho-wallet-liquidator");
    static final Address WHALE = DevnetDeployer.derivedAddress("margin-call/test/morpho-whale");
    static final Address RECIPIENT = DevnetDeployer.derivedAddress("margin-call/test/morpho-rescue-recipient");
    static final BigInteger ETHER = BigInteger.TEN.pow(18);
    /** Morpho calls get a fixed gas limit: Anvil's estimate at "latest" skips the IRM call of a market updated in that block. */
    static final BigInteger MAX_GAS = BigInteger.valueOf(3_000_000);

    static DevChain chain;
    static Transactor tx;
    static Deployment.MorphoBlue morpho;
    static Deployment.MorphoMarket market;
    static MarketParams params;
    static MorphoChain reads;
    static Address weth;
    static Address usdc;
    static Address liquidator;
    static MorphoBorrower victim;
    static List<MorphoBorrower> wethUsdcBorrowers;

    private String snapshot;

    /** What one liquidation will do if it lands in the next block: the model's quote and the sale of the seized collateral. */
    record Plan(LiquidationQuote quote, boolean bySeized, BigInteger proceeds, long timestamp) {

        BigInteger profit() {
            return proceeds.subtract(quote.repaidAssets());
        }

        BigInteger seizedArgument() {
            return bySeized ? quote.seizedAssets() : BigInteger.ZERO;
        }

        BigInteger sharesArgument() {
            return bySeized ? BigInteger.ZERO : quote.repaidShares();
        }
    }

    @BeforeAll
    static void deployCrashAndPickAVictim(Devnet devnet) {
        chain = devnet.chain();
        tx = new Transactor(chain);
        morpho = devnet.deployment().morphoBlue();
        market = morpho.market("WETH/USDC");
        params = new MarketParams(market.loanToken(), market.collateralToken(), market.oracle(), market.irm(), market.lltv());
        assertThat(params.id()).isEqualTo(market.id());
        reads = new MorphoChain(chain, morpho);
        weth = market.collateralToken();
        usdc = market.loanToken();
        for (Address account : List.of(KEEPER, STRANGER, WALLET, WHALE)) {
            chain.setBalance(account, ETHER.multiply(BigInteger.valueOf(100)));
        }
        liquidator = tx.deploy("MorphoLiquidator", KEEPER, MorphoLiquidator.deployData(morpho.morpho(), devnet.deployment().uniswapV2().router()));
        assertThat(Abi.decodeAddress(tx.call(liquidator, MorphoLiquidator.owner()))).isEqualTo(KEEPER);
        assertThat(Abi.decodeAddress(tx.call(liquidator, MorphoLiquidator.morpho()))).isEqualTo(morpho.morpho());
        assertThat(Abi.decodeAddress(tx.call(liquidator, MorphoLiquidator.router()))).isEqualTo(devnet.deployment().uniswapV2().router());

        devnet.market().movePrice("WETH", -1_500, PriceMoveMethod.STORAGE_WRITE);

        // The liquidatable borrower whose half-collateral liquidation pays the most after the sale.
        BigInteger best = BigInteger.ZERO;
        wethUsdcBorrowers = devnet.morphoBorrowers().get(market.name());
        for (MorphoBorrower borrower : wethUsdcBorrowers) {
            Optional<Plan> plan = plan(borrower, HALF_THE_COLLATERAL);
            if (plan.isPresent() && plan.get().profit().compareTo(best) > 0) {
                best = plan.get().profit();
                victim = borrower;
            }
        }
        assertThat(victim).as("a liquidatable WETH/USDC borrower whose liquidation pays").isNotNull();
        assertThat(balance(usdc, KEEPER)).as("the owner has no capital").isZero();
    }

    @BeforeEach
    void takeSnapshot() {
        snapshot = chain.snapshot();
    }

    @AfterEach
    void revertToSnapshot() {
        assertThat(chain.revert(snapshot)).isTrue();
    }

    // --- a liquidation without capital, to the wei ------------------------------------------------------------------

    @Test
    void aLiquidationSizedBySeizedCollateralPaysTheOwnerExactlyThePredictedProfit() {
        liquidateAndCheckExactly(HALF_THE_COLLATERAL);
    }

    @Test
    void aLiquidationSizedByRepaidSharesPaysTheOwnerExactlyThePredictedProfit() {
        liquidateAndCheckExactly(A_THIRD_OF_THE_SHARES);
    }

    private void liquidateAndCheckExactly(Sizing sizing) {
        Plan plan = plan(victim, sizing).orElseThrow();
        assertThat(plan.profit()).isPositive();
        PositionState before = reads.position(market, victim.address());

        TransactionReceipt receipt = sendOk("contract liquidation", KEEPER, liquidator, MorphoLiquidator.liquidate(params, victim.address(),
                plan.seizedArgument(), plan.sharesArgument(), List.of(weth, usdc), BigInteger.ZERO, BigInteger.ONE));

        assertThat(chain.blocks(List.of(receipt.blockNumber())).get(0).timestamp()).as("landed when planned").isEqualTo(plan.timestamp());
        MorphoBlueEvents.Liquidated event = morphoLiquidate(receipt);
        assertThat(List.of(event.caller(), event.borrower(), event.repaidAssets(), event.repaidShares(), event.seizedAssets()))
                .isEqualTo(List.of(liquidator, victim.address(), plan.quote().repaidAssets(), plan.quote().repaidShares(), plan.quote().seizedAssets()));
        assertThat(ours(receipt)).isEqualTo(new MorphoLiquidator.Liquidated(liquidator, market.id(), victim.address(), usdc,
                plan.quote().repaidAssets(), plan.quote().seizedAssets(), plan.profit()));
        assertThat(balance(usdc, KEEPER)).as("the owner received exactly proceeds − repaid").isEqualTo(plan.profit());
        assertThat(List.of(balance(usdc, liquidator), balance(weth, liquidator), allowance(usdc, liquidator, morpho.morpho()),
                allowance(weth, liquidator, routerAddress()))).as("the contract keeps nothing, no allowance left").containsOnly(BigInteger.ZERO);
        assertThat(reads.position(market, victim.address())).isEqualTo(plan.quote().positionAfter());
        assertThat(before.collateral().subtract(reads.position(market, victim.address()).collateral())).isEqualTo(plan.quote().seizedAssets());
        System.out.printf("MorphoLiquidator: repaid %s USDC units (%s shares), seized %s WETH wei, sold for %s, profit %s, gas %s%n",
                plan.quote().repaidAssets(), plan.quote().repaidShares(), plan.quote().seizedAssets(), plan.proceeds(), plan.profit(), receipt.gasUsed());
    }

    @Test
    void gasOfAWalletFundedLiquidationAndOfTheContractLiquidationOfTheSameScenario() {
        Plan plan = plan(victim, HALF_THE_COLLATERAL).orElseThrow();
        BigInteger plenty = plan.quote().repaidAssets().multiply(BigInteger.TWO);
        tx.send("mint USDC", WALLET, usdc, Abi.call("mint(uint256)", uint(plenty)));
        tx.send("approve Morpho", WALLET, usdc, Erc20.approve(morpho.morpho(), plenty));
        plan = plan(victim, HALF_THE_COLLATERAL).orElseThrow();
        String beforeBoth = chain.snapshot();
        TransactionReceipt wallet = sendOk("wallet liquidation", WALLET, morpho.morpho(), MorphoChain.liquidate(market, victim.address(),
                plan.seizedArgument(), BigInteger.ZERO));
        MorphoBlueEvents.Liquidated walletEvent = morphoLiquidate(wallet);
        assertThat(chain.revert(beforeBoth)).isTrue();

        TransactionReceipt contract = sendOk("contract liquidation", KEEPER, liquidator, MorphoLiquidator.liquidate(params, victim.address(),
                plan.seizedArgument(), BigInteger.ZERO, List.of(weth, usdc), BigInteger.ZERO, BigInteger.ONE));
        MorphoBlueEvents.Liquidated contractEvent = morphoLiquidate(contract);
        assertThat(contract.blockNumber()).isEqualTo(wallet.blockNumber());
        assertThat(List.of(contractEvent.repaidAssets(), contractEvent.seizedAssets())).as("the same liquidation")
                .isEqualTo(List.of(walletEvent.repaidAssets(), walletEvent.seizedAssets()));
        assertThat(contract.gasUsed()).isGreaterThan(wallet.gasUsed());
        System.out.printf("GAS Morpho liquidate from a wallet (pre-approved, keeps the WETH): %s; MorphoLiquidator (liquidate + callback "
                + "+ WETH→USDC swap + payout): %s; difference %s%n", wallet.gasUsed(), contract.gasUsed(), contract.gasUsed().subtract(wallet.gasUsed()));
    }

    // --- who may call -----------------------------------------------------------------------------------------------

    @Test
    void aStrangerCannotLiquidateThroughOurContract() {
        Plan plan = plan(victim, HALF_THE_COLLATERAL).orElseThrow();
        String call = MorphoLiquidator.liquidate(params, victim.address(), plan.seizedArgument(), BigInteger.ZERO, List.of(weth, usdc),
                BigInteger.ZERO, BigInteger.ZERO);
        assertRevertsWith(STRANGER, liquidator, call, "NotOwner");
        PositionState before = reads.position(market, victim.address());
        TransactionReceipt mined = sendMined(STRANGER, liquidator, call);
        assertThat(mined.success()).isFalse();
        assertThat(mined.logs()).isEmpty();
        assertThat(reads.position(market, victim.address())).isEqualTo(before);
    }

    @Test
    void theCallbackServesOnlyMorphoAndOnlyDuringALiquidationTheContractStarted() {
        // What a real callback would carry: the seized collateral (sent to the contract first), a path, no minimum.
        BigInteger collateral = ETHER;
        tx.send("mint WETH", STRANGER, weth, Abi.call("mint(uint256)", uint(collateral)));
        tx.send("WETH into the liquidator", STRANGER, weth, Erc20.transfer(liquidator, collateral));
        String data = Abi.encodeArguments(new org.web3j.abi.datatypes.DynamicStruct(address(weth), uint(0), uint(0), path(weth, usdc)));
        String callback = MorphoLiquidator.onMorphoLiquidate(BigInteger.valueOf(1_000_000), data);

        assertRevertsWith(STRANGER, liquidator, callback, "NotMorpho");
        assertRevertsWith(KEEPER, liquidator, callback, "NotMorpho");
        // From Morpho's own address, outside a liquidation the contract started: refused.
        assertRevertsWith(morpho.morpho(), liquidator, callback, "NotRunning");
        // The devnet auto-impersonates every address (DevnetDeployer): a real transaction sent from Morpho's address.
        chain.setBalance(morpho.morpho(), ETHER);
        List<BigInteger> before = balances();
        TransactionReceipt mined = sendMined(morpho.morpho(), liquidator, callback);
        assertThat(mined.success()).as("a transaction from (impersonated) Morpho outside a liquidation").isFalse();
        assertThat(mined.logs()).isEmpty();
        assertThat(balances()).isEqualTo(before);
        assertThat(allowance(usdc, liquidator, morpho.morpho())).isZero();
        assertThat(balance(weth, liquidator)).as("nothing was sold").isEqualTo(collateral);
    }

    @Test
    void swapPathsThatDoNotGoFromCollateralToLoanAreRefusedBeforeMorphoIsCalled() {
        Plan plan = plan(victim, HALF_THE_COLLATERAL).orElseThrow();
        Address wbtc = morpho.token("WBTC").asset();
        for (List<Address> path : List.of(List.<Address>of(), List.of(weth), List.of(usdc, weth), List.of(weth, wbtc), List.of(wbtc, usdc))) {
            assertRevertsWith(KEEPER, liquidator, MorphoLiquidator.liquidate(params, victim.address(), plan.seizedArgument(), BigInteger.ZERO, path,
                    BigInteger.ZERO, BigInteger.ZERO), "BadSwapPath");
        }
    }

    // --- liquidations that do not pay -------------------------------------------------------------------------------

    @Test
    void aMinimumProfitOneWeiAboveThePredictedProfitRevertsAndExactlyThePredictedProfitPasses() {
        Plan plan = plan(victim, HALF_THE_COLLATERAL).orElseThrow();
        BigInteger tooMuch = plan.profit().add(BigInteger.ONE);
        String greedy = MorphoLiquidator.liquidate(params, victim.address(), plan.seizedArgument(), BigInteger.ZERO, List.of(weth, usdc),
                BigInteger.ZERO, tooMuch);
        RevertReason.Decoded simulated = revert(new CallRequest(KEEPER, liquidator, greedy, null, MAX_GAS));
        assertThat(simulated.is("InsufficientProfit")).as(simulated.text()).isTrue();
        assertThat(simulated.argument("minProfit")).isEqualTo(tooMuch);

        List<BigInteger> before = balances();
        PositionState position = reads.position(market, victim.address());
        TransactionReceipt mined = sendMined(KEEPER, liquidator, greedy);
        assertThat(chain.blocks(List.of(mined.blockNumber())).get(0).timestamp()).isEqualTo(plan.timestamp());
        assertThat(mined.success()).as("min profit = predicted + 1 wei").isFalse();
        assertThat(balances()).isEqualTo(before);
        assertThat(reads.position(market, victim.address())).isEqualTo(position);

        Plan again = plan(victim, HALF_THE_COLLATERAL).orElseThrow(); // a block later: a little more interest
        TransactionReceipt exact = sendOk("liquidation at exactly the predicted profit", KEEPER, liquidator, MorphoLiquidator.liquidate(params,
                victim.address(), again.seizedArgument(), BigInteger.ZERO, List.of(weth, usdc), BigInteger.ZERO, again.profit()));
        assertThat(ours(exact).profit()).isEqualTo(again.profit());
    }

    @Test
    void aSwapThatCannotCoverTheRepaymentRevertsAndChangesNothing() {
        // A whale dumps three times the pair's WETH into it: WETH then sells for about a sixteenth of the oracle price.
        BigInteger dump = balance(weth, market.uniswapPair()).multiply(BigInteger.valueOf(3));
        tx.send("mint WETH", WHALE, weth, Abi.call("mint(uint256)", uint(dump)));
        tx.send("approve the router", WHALE, weth, Erc20.approve(routerAddress(), dump));
        tx.send("dump WETH", WHALE, routerAddress(), Abi.call("swapExactTokensForTokens(uint256,uint256,address[],address,uint256)",
                uint(dump), uint(0), path(weth, usdc), address(WHALE), uint(BigInteger.ONE.shiftLeft(64))));

        Plan plan = plan(victim, HALF_THE_COLLATERAL).orElseThrow();
        assertThat(plan.profit()).isNegative();
        String liquidate = MorphoLiquidator.liquidate(params, victim.address(), plan.seizedArgument(), BigInteger.ZERO, List.of(weth, usdc),
                BigInteger.ZERO, BigInteger.ZERO);
        RevertReason.Decoded decoded = revert(new CallRequest(KEEPER, liquidator, liquidate, null, MAX_GAS));
        assertThat(decoded.is("RepaymentShortfall")).as(decoded.text()).isTrue();
        assertThat((BigInteger) decoded.argument("available")).isLessThan((BigInteger) decoded.argument("owed"));

        List<BigInteger> before = balances();
        PositionState position = reads.position(market, victim.address());
        BigInteger pairWeth = balance(weth, market.uniswapPair());
        TransactionReceipt mined = sendMined(KEEPER, liquidator, liquidate);
        assertThat(mined.success()).isFalse();
        assertThat(balances()).isEqualTo(before);
        assertThat(reads.position(market, victim.address())).isEqualTo(position);
        assertThat(balance(weth, market.uniswapPair())).isEqualTo(pairWeth);

        // With a minimum output the router refuses first, and says so.
        String bounded = MorphoLiquidator.liquidate(params, victim.address(), plan.seizedArgument(), BigInteger.ZERO, List.of(weth, usdc),
                plan.quote().repaidAssets(), BigInteger.ZERO);
        assertThat(revert(new CallRequest(KEEPER, liquidator, bounded, null, MAX_GAS)).text()).isEqualTo("UniswapV2Router: INSUFFICIENT_OUTPUT_AMOUNT");
    }

    @Test
    void morphoRefusalsComeBackAsTheirText() {
        RevertReason.Decoded decoded = revert(new CallRequest(KEEPER, liquidator, MorphoLiquidator.liquidate(params, STRANGER, BigInteger.ONE,
                BigInteger.ZERO, List.of(weth, usdc), BigInteger.ZERO, BigInteger.ZERO), null, MAX_GAS));
        assertThat(decoded.text()).isEqualTo("position is healthy"); // ErrorsLib.HEALTHY_POSITION, src/Morpho.sol:363
    }

    // --- rescue -----------------------------------------------------------------------------------------------------

    @Test
    void onlyTheOwnerRescuesTokensAndEther() {
        BigInteger stray = BigInteger.valueOf(5_000_000L);
        tx.send("mint USDC", STRANGER, usdc, Abi.call("mint(uint256)", uint(stray)));
        tx.send("send USDC to the liquidator by mistake", STRANGER, usdc, Erc20.transfer(liquidator, stray));
        assertRevertsWith(STRANGER, liquidator, MorphoLiquidator.rescue(usdc, STRANGER, stray), "NotOwner");
        tx.send("rescue USDC", KEEPER, liquidator, MorphoLiquidator.rescue(usdc, RECIPIENT, stray));
        assertThat(balance(usdc, RECIPIENT)).isEqualTo(stray);
        assertThat(balance(usdc, liquidator)).isZero();

        assertThatThrownBy(() -> chain.call(new CallRequest(STRANGER, liquidator, "0x", ETHER, null), BlockTag.LATEST))
                .isInstanceOf(CallRevertedException.class);
        chain.setBalance(liquidator, ETHER);
        assertRevertsWith(STRANGER, liquidator, MorphoLiquidator.rescueEth(STRANGER, ETHER), "NotOwner");
        assertRevertsWith(KEEPER, liquidator, MorphoLiquidator.rescueEth(liquidator, ETHER), "EthTransferFailed");
        BigInteger recipientBefore = chain.balance(RECIPIENT, BlockTag.LATEST);
        tx.send("rescue ETH", KEEPER, liquidator, MorphoLiquidator.rescueEth(RECIPIENT, ETHER));
        assertThat(chain.balance(RECIPIENT, BlockTag.LATEST).subtract(recipientBefore)).isEqualTo(ETHER);
    }

    // --- batches ----------------------------------------------------------------------------------------------------

    /**
     * A competitor liquidates one of the batch's borrowers (its largest liquidation) just before our batch, in the same
     * block: that item is skipped with Morpho's reason, the others run, each seizing and repaying exactly what the model
     * says once the competitor's and the earlier items' liquidations have moved the market's totals, and selling on the
     * pair as the earlier sales left it; the owner receives exactly the sum of their profits.
     */
    @Test
    void aBatchSkipsTheItemACompetitorTookFirstRunsTheOthersAndPaysTheirProfitsToTheWei() {
        List<MorphoBorrower> borrowers = liquidatableBorrowers(3);
        MorphoBorrower taken = borrowers.get(1);
        competitorReady();
        NextBlock next = NextBlock.ofChain();
        LiquidationQuote competitor = next.liquidation(taken, next.totals()).largest();
        List<MorphoLiquidator.BatchCall> items = new java.util.ArrayList<>();
        List<LiquidationQuote> expected = new java.util.ArrayList<>();
        List<BigInteger> proceeds = new java.util.ArrayList<>();
        BigInteger[] reserves = wethUsdcReserves();
        MarketState running = competitor.marketAfter();
        for (MorphoBorrower borrower : borrowers) {
            LiquidationQuote planned = HALF_THE_COLLATERAL.quote().apply(next.liquidation(borrower, next.totals()));
            items.add(new MorphoLiquidator.BatchCall(params, borrower.address(), planned.seizedAssets(), BigInteger.ZERO, List.of(weth, usdc),
                    BigInteger.ZERO, BigInteger.ONE));
            if (borrower == taken) {
                expected.add(null);
                proceeds.add(null);
                continue;
            }
            LiquidationQuote landed = next.liquidation(borrower, running).bySeizedAssets(planned.seizedAssets());
            running = landed.marketAfter();
            BigInteger out = UniswapV2Math.amountOut(landed.seizedAssets(), reserves[0], reserves[1]);
            reserves = new BigInteger[] {reserves[0].add(landed.seizedAssets()), reserves[1].subtract(out)};
            expected.add(landed);
            proceeds.add(out);
        }

        TransactionReceipt receipt = afterTheCompetitor(taken, competitor, MorphoLiquidator.liquidateBatch(items), next.timestamp());

        List<dev.margincall.chain.abi.BatchEvents.ItemOutcome> outcomes = dev.margincall.chain.abi.BatchEvents.outcomes(receipt.logs(), liquidator);
        assertThat(outcomes).extracting(dev.margincall.chain.abi.BatchEvents.ItemOutcome::index).containsExactly(0, 1, 2);
        assertThat(outcomes.get(1).liquidated()).isFalse();
        assertThat(outcomes.get(1).user()).isEqualTo(taken.address());
        assertThat(MorphoLiquidator.describeRevert(outcomes.get(1).reason())).as("Morpho's own words").isEqualTo("position is healthy");
        List<MorphoLiquidator.Liquidated> ours = MorphoLiquidator.liquidatedEvents(receipt.logs(), liquidator);
        assertThat(ours).hasSize(2);
        assertThat(reads.market(market)).as("the market's totals after the competitor's and our liquidations").isEqualTo(running);
        BigInteger total = BigInteger.ZERO;
        for (int i : List.of(0, 2)) {
            LiquidationQuote landed = expected.get(i);
            BigInteger profit = proceeds.get(i).subtract(landed.repaidAssets());
            assertThat(outcomes.get(i)).isEqualTo(new dev.margincall.chain.abi.BatchEvents.ItemOutcome(i, borrowers.get(i).address(), true,
                    landed.repaidAssets(), landed.seizedAssets(), null));
            assertThat(ours.get(i == 0 ? 0 : 1)).isEqualTo(new MorphoLiquidator.Liquidated(liquidator, market.id(), borrowers.get(i).address(), usdc,
                    landed.repaidAssets(), landed.seizedAssets(), profit));
            assertThat(reads.position(market, borrowers.get(i).address())).isEqualTo(landed.positionAfter());
            total = total.add(profit);
        }
        assertThat(total).isPositive();
        assertThat(balance(usdc, KEEPER)).as("the owner received exactly the items' profits").isEqualTo(total);
        assertThat(List.of(balance(usdc, liquidator), balance(weth, liquidator))).as("the contract keeps nothing").containsOnly(BigInteger.ZERO);
    }

    /**
     * A batch paid with the owner's tokens (wallet funding), the collateral handed back unsold. The competitor takes one borrower
     * first, in the same block, and another item's maximum repayment is one unit short: both skipped, with their reasons, and they
     * cost the owner nothing. The others repay and seize exactly what the model chained after the competitor says: the owner's
     * USDC goes down by exactly what they repaid, its WETH up by exactly what they seized; the contract keeps nothing, no allowance.
     */
    @Test
    void fromTheOwnersTokensTheOwnerPaysExactlyWhatItsItemsRepaidAndGetsExactlyWhatTheySeized() {
        List<MorphoBorrower> borrowers = liquidatableBorrowers(4);
        MorphoBorrower taken = borrowers.get(1);
        MorphoBorrower tooDear = borrowers.get(3);
        BigInteger funds = BigInteger.TEN.pow(6 + 12);
        tx.send("mint USDC", KEEPER, usdc, Abi.call("mint(uint256)", uint(funds)));
        tx.send("approve the liquidator", KEEPER, usdc, Erc20.approve(liquidator, funds));
        competitorReady();
        NextBlock next = NextBlock.ofChain();
        LiquidationQuote competitor = next.liquidation(taken, next.totals()).largest();
        List<MorphoLiquidator.OwnerCall> items = new java.util.ArrayList<>();
        List<LiquidationQuote> landed = new java.util.ArrayList<>();
        MarketState running = competitor.marketAfter();
        for (MorphoBorrower borrower : borrowers) {
            LiquidationQuote planned = HALF_THE_COLLATERAL.quote().apply(next.liquidation(borrower, next.totals()));
            BigInteger maxRepaid = borrower == tooDear ? planned.repaidAssets().subtract(BigInteger.ONE) : planned.repaidAssets();
            items.add(new MorphoLiquidator.OwnerCall(params, borrower.address(), planned.seizedAssets(), BigInteger.ZERO, maxRepaid, planned.seizedAssets()));
            if (borrower == taken || borrower == tooDear) {
                landed.add(null);
                continue;
            }
            LiquidationQuote quote = next.liquidation(borrower, running).bySeizedAssets(planned.seizedAssets());
            running = quote.marketAfter();
            landed.add(quote);
        }
        BigInteger usdcBefore = balance(usdc, KEEPER);
        BigInteger wethBefore = balance(weth, KEEPER);

        TransactionReceipt receipt = afterTheCompetitor(taken, competitor, MorphoLiquidator.liquidateBatchFromOwner(items), next.timestamp());

        List<dev.margincall.chain.abi.BatchEvents.ItemOutcome> outcomes = dev.margincall.chain.abi.BatchEvents.outcomes(receipt.logs(), liquidator);
        assertThat(outcomes).extracting(dev.margincall.chain.abi.BatchEvents.ItemOutcome::liquidated).containsExactly(true, false, true, false);
        assertThat(MorphoLiquidator.describeRevert(outcomes.get(1).reason())).isEqualTo("position is healthy");
        assertThat(MorphoLiquidator.describeRevert(outcomes.get(3).reason())).startsWith("RepaidAboveMax(");
        BigInteger repaid = BigInteger.ZERO;
        BigInteger seized = BigInteger.ZERO;
        for (int i : List.of(0, 2)) {
            LiquidationQuote quote = landed.get(i);
            assertThat(outcomes.get(i)).isEqualTo(new dev.margincall.chain.abi.BatchEvents.ItemOutcome(i, borrowers.get(i).address(), true,
                    quote.repaidAssets(), quote.seizedAssets(), null));
            assertThat(reads.position(market, borrowers.get(i).address())).isEqualTo(quote.positionAfter());
            repaid = repaid.add(quote.repaidAssets());
            seized = seized.add(quote.seizedAssets());
        }
        assertThat(reads.market(market)).as("the market's totals after the competitor's and our liquidations").isEqualTo(running);
        assertThat(usdcBefore.subtract(balance(usdc, KEEPER))).as("the owner paid exactly what its liquidations repaid").isEqualTo(repaid);
        assertThat(balance(weth, KEEPER).subtract(wethBefore)).as("the owner received exactly what they seized").isEqualTo(seized);
        assertThat(List.of(balance(usdc, liquidator), balance(weth, liquidator), allowance(usdc, liquidator, morpho.morpho())))
                .as("the contract keeps nothing, no allowance left").containsOnly(BigInteger.ZERO);
        assertThat(MorphoLiquidator.liquidatedEvents(receipt.logs(), liquidator)).as("no profit event: nothing was sold").isEmpty();
    }

    @Test
    void onlyTheOwnerStartsABatchAndOnlyTheContractRunsAnItem() {
        MorphoBorrower borrower = liquidatableBorrowers(1).get(0);
        Plan plan = plan(borrower, HALF_THE_COLLATERAL).orElseThrow();
        MorphoLiquidator.BatchCall item = new MorphoLiquidator.BatchCall(params, borrower.address(), plan.seizedArgument(), BigInteger.ZERO,
                List.of(weth, usdc), BigInteger.ZERO, BigInteger.ZERO);
        assertRevertsWith(STRANGER, liquidator, MorphoLiquidator.liquidateBatch(List.of(item)), "NotOwner");
        String direct = Abi.call("liquidateItem(" + MorphoLiquidator.LIQUIDATE_BATCH.substring("liquidateBatch(".length(),
                MorphoLiquidator.LIQUIDATE_BATCH.length() - "[])".length()) + ")", new MorphoLiquidator.BatchItemStruct(item));
        assertRevertsWith(KEEPER, liquidator, direct, "NotSelf");
        assertRevertsWith(STRANGER, liquidator, direct, "NotSelf");
        MorphoLiquidator.OwnerCall ownerItem = new MorphoLiquidator.OwnerCall(params, borrower.address(), plan.seizedArgument(), BigInteger.ZERO,
                plan.quote().repaidAssets(), BigInteger.ZERO);
        assertRevertsWith(STRANGER, liquidator, MorphoLiquidator.liquidateBatchFromOwner(List.of(ownerItem)), "NotOwner");
        String directOwnerItem = Abi.call("liquidateOwnerItem(" + MorphoLiquidator.LIQUIDATE_BATCH_FROM_OWNER.substring("liquidateBatchFromOwner(".length(),
                MorphoLiquidator.LIQUIDATE_BATCH_FROM_OWNER.length() - "[])".length()) + ")", new MorphoLiquidator.OwnerItemStruct(ownerItem));
        assertRevertsWith(KEEPER, liquidator, directOwnerItem, "NotSelf");
        PositionState before = reads.position(market, borrower.address());
        assertThat(sendMined(STRANGER, liquidator, MorphoLiquidator.liquidateBatch(List.of(item))).success()).isFalse();
        assertThat(reads.position(market, borrower.address())).isEqualTo(before);
    }

    /**
     * Gas per liquidation inside a batch against one through the single entry, and inside a batch from the owner's tokens against
     * the wallet's own {@code liquidate} (issue 16: at most 70 % each); and a batch given too little gas reverts OutOfGas rather
     * than mining with its items reported skipped.
     */
    @Test
    void aBatchIsCheaperPerLiquidationThanSingleOnesAndOneGivenTooLittleGasRevertsOutOfGas() {
        List<MorphoBorrower> borrowers = liquidatableBorrowers(4);
        String before = chain.snapshot();
        Plan single = plan(borrowers.get(0), HALF_THE_COLLATERAL).orElseThrow();
        long singleGas = sendOk("single", KEEPER, liquidator, MorphoLiquidator.liquidate(params, borrowers.get(0).address(), single.seizedArgument(),
                BigInteger.ZERO, List.of(weth, usdc), BigInteger.ZERO, BigInteger.ONE)).gasUsed().longValueExact();
        assertThat(chain.revert(before)).isTrue();

        List<MorphoLiquidator.BatchCall> items = borrowers.stream().map(b -> new MorphoLiquidator.BatchCall(params, b.address(),
                plan(b, HALF_THE_COLLATERAL).orElseThrow().seizedArgument(), BigInteger.ZERO, List.of(weth, usdc), BigInteger.ZERO, BigInteger.ONE)).toList();
        String calldata = MorphoLiquidator.liquidateBatch(items);
        long estimate = chain.estimateGas(new CallRequest(KEEPER, liquidator, calldata, null, null)).longValueExact();
        assertRevertsWith(KEEPER, liquidator, calldata, BigInteger.valueOf(estimate / 2), "OutOfGas");

        String beforeBatch = chain.snapshot();
        TransactionReceipt batch = sendOk("batch", KEEPER, liquidator, calldata);
        assertThat(dev.margincall.chain.abi.BatchEvents.outcomes(batch.logs(), liquidator)).hasSize(items.size())
                .allMatch(dev.margincall.chain.abi.BatchEvents.ItemOutcome::liquidated);
        double perItem = batch.gasUsed().doubleValue() / items.size();
        System.out.printf("GAS MorphoLiquidator: single liquidation %d; batch of %d: %s (%.0f per item, %.1f %% of a single one)%n", singleGas,
                items.size(), batch.gasUsed(), perItem, 100 * perItem / singleGas);
        assertThat(perItem / singleGas).as("gas per liquidation in a batch / a single liquidation's").isLessThanOrEqualTo(0.70);
        assertThat(chain.revert(beforeBatch)).isTrue();

        // from the owner's tokens, against the wallet's own liquidate calls (Morpho pulls from the wallet, which keeps the collateral)
        BigInteger funds = BigInteger.TEN.pow(6 + 12);
        tx.send("mint USDC", KEEPER, usdc, Abi.call("mint(uint256)", uint(funds)));
        tx.send("approve the liquidator", KEEPER, usdc, Erc20.approve(liquidator, funds));
        tx.send("approve Morpho", KEEPER, usdc, Erc20.approve(morpho.morpho(), funds));
        String funded = chain.snapshot();
        Plan first = plan(borrowers.get(0), HALF_THE_COLLATERAL).orElseThrow();
        long walletGas = sendOk("wallet", KEEPER, morpho.morpho(), MorphoChain.liquidate(market, borrowers.get(0).address(), first.seizedArgument(),
                BigInteger.ZERO)).gasUsed().longValueExact();
        assertThat(chain.revert(funded)).isTrue();
        List<MorphoLiquidator.OwnerCall> owned = borrowers.stream().map(b -> {
            Plan p = plan(b, HALF_THE_COLLATERAL).orElseThrow();
            return new MorphoLiquidator.OwnerCall(params, b.address(), p.seizedArgument(), BigInteger.ZERO, p.quote().repaidAssets(), p.quote().seizedAssets());
        }).toList();
        TransactionReceipt ownerBatch = sendOk("owner batch", KEEPER, liquidator, MorphoLiquidator.liquidateBatchFromOwner(owned));
        assertThat(dev.margincall.chain.abi.BatchEvents.outcomes(ownerBatch.logs(), liquidator)).hasSize(owned.size())
                .allMatch(dev.margincall.chain.abi.BatchEvents.ItemOutcome::liquidated);
        double perOwnerItem = ownerBatch.gasUsed().doubleValue() / owned.size();
        System.out.printf("GAS Morpho from the owner's tokens: the wallet's own liquidate %d; batch of %d: %s (%.0f per item, %.1f %% of the wallet's)%n",
                walletGas, owned.size(), ownerBatch.gasUsed(), perOwnerItem, 100 * perOwnerItem / walletGas);
        assertThat(perOwnerItem / walletGas).as("gas per liquidation in a batch from the owner's tokens / the wallet's own call").isLessThanOrEqualTo(0.70);
    }

    /** The first {@code count} WETH/USDC borrowers whose half-collateral liquidation in the next block pays, most profitable first. */
    static List<MorphoBorrower> liquidatableBorrowers(int count) {
        List<MorphoBorrower> paying = payingBorrowers();
        assertThat(paying).as("liquidatable WETH/USDC borrowers whose liquidation pays").hasSizeGreaterThanOrEqualTo(count);
        return paying.subList(0, count);
    }

    /** Every WETH/USDC borrower whose half-collateral liquidation in the next block pays, most profitable first. */
    private static List<MorphoBorrower> payingBorrowers() {
        java.util.Map<MorphoBorrower, BigInteger> profits = new java.util.HashMap<>();
        wethUsdcBorrowers.forEach(b -> plan(b, HALF_THE_COLLATERAL).filter(p -> p.profit().signum() > 0).ifPresent(p -> profits.put(b, p.profit())));
        return profits.keySet().stream().sorted(java.util.Comparator.comparing(profits::get).reversed()).toList();
    }

    /**
     * The largest contract-funded batch whose estimate fits a per-transaction gas cap (what the keeper's {@code batch.maxGas}
     * bounds), sent with exactly the cap as its gas limit: it mines, every item liquidated (the 63/64 of gas each guarded call
     * passes on, and the OutOfGas guard, leave the last item enough), and one more item would not have fitted. The estimate
     * must stay 2 % under the cap: Anvil's estimate at "latest" can leave out the IRM call of a market updated in that block.
     */
    @Test
    void theLargestBatchUnderAGasCapMinesWithTheCapAsItsLimitAndEveryItemLiquidated() {
        long cap = 800_000;
        List<MorphoBorrower> paying = payingBorrowers();
        List<MorphoLiquidator.BatchCall> items = new ArrayList<>();
        String calldata = null;
        long estimate = 0;
        for (MorphoBorrower borrower : paying) {
            List<MorphoLiquidator.BatchCall> candidate = new ArrayList<>(items);
            candidate.add(new MorphoLiquidator.BatchCall(params, borrower.address(), plan(borrower, HALF_THE_COLLATERAL).orElseThrow().seizedArgument(),
                    BigInteger.ZERO, List.of(weth, usdc), BigInteger.ZERO, BigInteger.ONE));
            String data = MorphoLiquidator.liquidateBatch(candidate);
            long next = chain.estimateGas(new CallRequest(KEEPER, liquidator, data, null, null)).longValueExact();
            if (next > cap * 98 / 100) {
                break;
            }
            items = candidate;
            calldata = data;
            estimate = next;
        }
        assertThat(items.size()).as("items under the cap, fewer than the paying borrowers").isGreaterThanOrEqualTo(3).isLessThan(paying.size());
        TransactionReceipt receipt = sendOk("batch at the cap", KEEPER, liquidator, calldata, cap);
        assertThat(dev.margincall.chain.abi.BatchEvents.outcomes(receipt.logs(), liquidator)).hasSize(items.size())
                .allMatch(dev.margincall.chain.abi.BatchEvents.ItemOutcome::liquidated);
        System.out.printf("GAS MorphoLiquidator: batch of %d under a %d cap (estimate %d), sent with the cap as its limit: %s used%n", items.size(),
                cap, estimate, receipt.gasUsed());
    }

    /** The competitor (a wallet liquidator) holds USDC and has approved Morpho: before the plans, whose block it mines. */
    static void competitorReady() {
        tx.send("mint USDC", WALLET, usdc, Abi.call("mint(uint256)", uint(BigInteger.TEN.pow(6 + 12))));
        tx.send("approve Morpho", WALLET, usdc, Erc20.approve(morpho.morpho(), BigInteger.TEN.pow(6 + 12)));
    }

    /**
     * The competitor's {@code quote} of {@code taken} (sized as the model sized it: all the collateral, or all the shares) and then
     * our call, both mined in the next block, which must be stamped {@code timestamp}; our receipt.
     */
    static TransactionReceipt afterTheCompetitor(MorphoBorrower taken, LiquidationQuote quote, String ourCall, long timestamp) {
        assertThat(chain.block(BlockTag.LATEST).timestamp() + DevnetDeployer.BLOCK_INTERVAL_SECONDS).as("planned for the next block").isEqualTo(timestamp);
        boolean allCollateral = quote.positionAfter().collateral().signum() == 0;
        String competitorHash;
        String ourHash;
        chain.setAutomine(false);
        try {
            competitorHash = chain.sendTransaction(new CallRequest(WALLET, morpho.morpho(), MorphoChain.liquidate(market, taken.address(),
                    allCollateral ? quote.seizedAssets() : BigInteger.ZERO, allCollateral ? BigInteger.ZERO : quote.repaidShares()), null, MAX_GAS));
            ourHash = chain.sendTransaction(new CallRequest(KEEPER, liquidator, ourCall, null, MAX_GAS));
            chain.mine();
        } finally {
            chain.setAutomine(true);
        }
        TransactionReceipt first = chain.receipt(competitorHash).orElseThrow();
        TransactionReceipt ours = chain.receipt(ourHash).orElseThrow();
        assertThat(List.of(first.success(), ours.success(), ours.blockNumber())).isEqualTo(List.of(true, true, first.blockNumber()));
        assertThat(chain.blocks(List.of(ours.blockNumber())).get(0).timestamp()).as("landed when planned").isEqualTo(timestamp);
        return ours;
    }

    /** The next block as the model sees it before it is mined: its timestamp, the market's totals accrued to it, the oracle price. */
    record NextBlock(long timestamp, MarketState totals, BigInteger price) {

        static NextBlock ofChain() {
            long next = chain.block(BlockTag.LATEST).timestamp() + DevnetDeployer.BLOCK_INTERVAL_SECONDS;
            return new NextBlock(next, accruedTo(next), reads.price(market));
        }

        /** {@code borrower}'s liquidation in that block on the market's {@code totals} (after what lands before it there). */
        Liquidation liquidation(MorphoBorrower borrower, MarketState totals) {
            return new Liquidation(reads.position(market, borrower.address()), totals, price, market.lltv());
        }
    }

    static MarketState accruedTo(long timestamp) {
        MarketState stored = reads.market(market);
        return InterestAccrual.accrue(stored, reads.borrowRateView(market, stored), timestamp).market();
    }

    /** The WETH/USDC pair's reserves: {WETH, USDC}. */
    static BigInteger[] wethUsdcReserves() {
        String reserves = tx.call(market.uniswapPair(), Abi.call("getReserves()"));
        boolean wethIsToken0 = weth.compareTo(usdc) < 0;
        return new BigInteger[] {Words.uint(reserves, wethIsToken0 ? 0 : 1), Words.uint(reserves, wethIsToken0 ? 1 : 0)};
    }

    // --- helpers ----------------------------------------------------------------------------------------------------

    /** How a liquidation is sized: the model's quote, and which of Morpho's two arguments fixes it. */
    record Sizing(boolean bySeized, Function<Liquidation, LiquidationQuote> quote) {
    }

    /** Half of what the largest liquidation would seize, by seized assets. */
    static final Sizing HALF_THE_COLLATERAL = new Sizing(true, l -> l.bySeizedAssets(l.largest().seizedAssets().divide(BigInteger.TWO)));
    /** A third of the largest liquidation's shares, by repaid shares. */
    static final Sizing A_THIRD_OF_THE_SHARES = new Sizing(false, l -> l.byRepaidShares(l.largest().repaidShares().divide(BigInteger.valueOf(3))));

    /**
     * The liquidation {@code sizing} picks for {@code borrower} if it lands in the next block (the devnet mines every
     * {@link DevnetDeployer#BLOCK_INTERVAL_SECONDS} s): market accrued by the model to that timestamp from what the chain
     * stores and the IRM's rate, the oracle price, Morpho's rounding; the sale on the pair's reserves now. Empty when
     * the position is healthy or the sizing reverts.
     */
    static Optional<Plan> plan(MorphoBorrower borrower, Sizing sizing) {
        BigInteger price = reads.price(market);
        long next = chain.block(BlockTag.LATEST).timestamp() + DevnetDeployer.BLOCK_INTERVAL_SECONDS;
        MarketState accrued = accruedTo(next);
        PositionState position = reads.position(market, borrower.address());
        if (position.borrowShares().signum() == 0 || PositionHealth.of(position, accrued, price, market.lltv()).healthy()) {
            return Optional.empty();
        }
        LiquidationQuote quote;
        try {
            quote = sizing.quote().apply(new Liquidation(position, accrued, price, market.lltv()));
        } catch (Liquidation.Reverts reverts) {
            return Optional.empty();
        }
        BigInteger[] reserves = wethUsdcReserves();
        BigInteger proceeds = UniswapV2Math.amountOut(quote.seizedAssets(), reserves[0], reserves[1]);
        return Optional.of(new Plan(quote, sizing.bySeized(), proceeds, next));
    }

    static Address routerAddress() {
        return Abi.decodeAddress(tx.call(liquidator, MorphoLiquidator.router()));
    }

    static BigInteger balance(Address token, Address account) {
        return Abi.decodeUint(tx.call(token, Erc20.balanceOf(account)));
    }

    static BigInteger allowance(Address token, Address owner, Address spender) {
        return Abi.decodeUint(tx.call(token, Erc20.allowance(owner, spender)));
    }

    /** The owner's and the contract's WETH and USDC. */
    static List<BigInteger> balances() {
        return List.of(balance(usdc, KEEPER), balance(weth, KEEPER), balance(usdc, liquidator), balance(weth, liquidator));
    }

    static DynamicArray<org.web3j.abi.datatypes.Address> path(Address... tokens) {
        return new DynamicArray<>(org.web3j.abi.datatypes.Address.class, java.util.Arrays.stream(tokens).map(Abi::address).toList());
    }

    static MorphoBlueEvents.Liquidated morphoLiquidate(TransactionReceipt receipt) {
        List<MorphoBlueEvents.Liquidated> events = receipt.logs().stream().filter(l -> l.address().equals(morpho.morpho()))
                .flatMap(l -> MorphoBlueEvents.liquidated(l).stream()).toList();
        assertThat(events).hasSize(1);
        return events.get(0);
    }

    static MorphoLiquidator.Liquidated ours(TransactionReceipt receipt) {
        List<MorphoLiquidator.Liquidated> events = MorphoLiquidator.liquidatedEvents(receipt.logs(), liquidator);
        assertThat(events).hasSize(1);
        return events.get(0);
    }

    static RevertReason.Decoded revert(CallRequest call) {
        try {
            chain.call(call, BlockTag.LATEST);
        } catch (CallRevertedException e) {
            return RevertReason.parse(e.data(), MorphoLiquidator.ERRORS);
        }
        return fail("expected " + call + " to revert");
    }

    static void assertRevertsWith(Address from, Address to, String calldata, String errorName) {
        assertRevertsWith(from, to, calldata, MAX_GAS, errorName);
    }

    static void assertRevertsWith(Address from, Address to, String calldata, BigInteger gas, String errorName) {
        RevertReason.Decoded decoded = revert(new CallRequest(from, to, calldata, null, gas));
        assertThat(decoded.name()).as(decoded.text()).isEqualTo(errorName);
    }

    static TransactionReceipt sendOk(String what, Address from, Address to, String calldata) {
        return sendOk(what, from, to, calldata, MAX_GAS.longValueExact());
    }

    /** The same with {@code gas} as the transaction's gas limit. */
    static TransactionReceipt sendOk(String what, Address from, Address to, String calldata, long gas) {
        TransactionReceipt receipt = sendMined(from, to, calldata, BigInteger.valueOf(gas));
        if (!receipt.success()) {
            String reason;
            try {
                chain.call(new CallRequest(from, to, calldata, null, MAX_GAS), BlockTag.number(receipt.blockNumber() - 1));
                reason = "no revert when replayed on the block before";
            } catch (CallRevertedException e) {
                reason = MorphoLiquidator.describeRevert(e.data());
            }
            fail(what + " reverted on chain: gas used " + receipt.gasUsed() + " of " + gas + ", " + reason);
        }
        return receipt;
    }

    /** Sends with a fixed gas limit, so the node mines the transaction even though it reverts (no estimate first). */
    static TransactionReceipt sendMined(Address from, Address to, String calldata) {
        return sendMined(from, to, calldata, MAX_GAS);
    }

    private static TransactionReceipt sendMined(Address from, Address to, String calldata, BigInteger gas) {
        String hash = chain.sendTransaction(new CallRequest(from, to, calldata, null, gas));
        return Awaitility.await("transaction " + hash + " mined").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(2))
                .until(() -> chain.receipt(hash), Optional::isPresent).orElseThrow();
    }
}
