package dev.margincall.protocol.aavev3;

import static dev.margincall.chain.abi.Abi.address;
import static dev.margincall.chain.abi.Abi.uint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.CallRevertedException;
import dev.margincall.chain.LogEntry;
import dev.margincall.chain.TransactionReceipt;
import dev.margincall.chain.abi.Abi;
import dev.margincall.chain.abi.Words;
import dev.margincall.core.Address;
import dev.margincall.devnet.ContractArtifact;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.DevnetDeployer;
import dev.margincall.devnet.PriceMoveMethod;
import dev.margincall.devnet.ReserveSpec;
import dev.margincall.devnet.Transactor;
import dev.margincall.devnet.WithDevnet;
import dev.margincall.protocol.aavev3.model.AccountData;
import dev.margincall.protocol.aavev3.model.AccountEvaluator;
import dev.margincall.protocol.aavev3.model.BlockContext;
import dev.margincall.protocol.aavev3.model.LiquidationMath;
import dev.margincall.protocol.aavev3.model.LiquidationQuote;
import dev.margincall.protocol.aavev3.model.Market;
import dev.margincall.protocol.aavev3.model.Position;
import dev.margincall.protocol.aavev3.model.WadRayMath;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The keeper's 3.6 liquidation quotes against the real aave-v3-origin 3.6 Pool, to the wei: each test builds one
 * position (a fresh account: supply, borrow), moves the oracle to the health factor the branch needs, quotes the
 * liquidation locally at the next block's timestamp, sends it with the quote's own {@code debtToCover}, and compares
 * the {@code LiquidationCall} event (debt repaid, collateral to the liquidator), the aToken transfer to the treasury
 * (protocol fee) and the {@code DeficitCreated} events with the quote. Prices: WETH $2,000 (LT 82.5 %, bonus 5 %),
 * WBTC $40,000 (LT 75 %), USDC and DAI $1; protocol fee 10 % of the bonus.
 */
@WithDevnet(borrowers = 0, seed = 36, aave = "3.6")
class AaveV36LiquidationQuotesIT {

    private static final String LIQUIDATION_CALL = "LiquidationCall(address,address,address,uint256,uint256,address,bool)";
    private static final String TRANSFER = Abi.topic("Transfer(address,address,uint256)");
    private static final String DEFICIT_CREATED = Abi.topic("DeficitCreated(address,address,uint256)");
    private static final BigInteger WAD = BigInteger.TEN.pow(18);
    private static final BigInteger HF_095 = new BigInteger("950000000000000000");

    private String clean;
    private int accounts;

    @BeforeEach
    void snapshot(Devnet devnet) {
        clean = devnet.chain().snapshot();
    }

    @AfterEach
    void restore(Devnet devnet) {
        assertThat(devnet.chain().revert(clean)).isTrue();
    }

    @Test
    void fiftyPercentBranchCapsAtHalfTheTotalDebt(Devnet devnet) {
        // 5 WETH ($10,000) against 7,900 USDC; WETH to $1,858: HF 0.970, both reserves over $2,000
        Address user = borrower(devnet, Map.of("WETH", new BigInteger("5000000000000000000")), Map.of("USDC", usdc(7_900)));
        devnet.market().setPrice("WETH", ReserveSpec.usd(1_858), PriceMoveMethod.STORAGE_WRITE);
        Address liquidator = fundedLiquidator(devnet, "USDC"); // before the quote: funding mines blocks
        Quoted quoted = quote(devnet, user, "WETH", "USDC");
        assertThat(quoted.totals().healthFactor()).isGreaterThan(HF_095).isLessThan(WAD);
        // the cap: half of the total debt in base units, back in USDC (floor) — not half of 100 % of one reserve
        BigInteger halfOfTotal = quoted.totals().totalDebtBase().multiply(BigInteger.valueOf(5_000)).add(BigInteger.valueOf(5_000))
                .divide(BigInteger.valueOf(10_000)).multiply(BigInteger.TEN.pow(6)).divide(ReserveSpec.usd(1));
        assertThat(quoted.quote().debtToCover()).isEqualTo(halfOfTotal);
        assertThat(quoted.quote().deficits()).isEmpty();
        liquidateAndCompare(devnet, quoted, liquidator);
    }

    @Test
    void atOrBelowHf095TheWholeReserveDebtIsCleared(Devnet devnet) {
        Address user = borrower(devnet, Map.of("WETH", new BigInteger("5000000000000000000")), Map.of("USDC", usdc(7_900)));
        devnet.market().setPrice("WETH", ReserveSpec.usd(1_800), PriceMoveMethod.STORAGE_WRITE); // HF 0.940
        Address liquidator = fundedLiquidator(devnet, "USDC"); // before the quote: funding mines blocks
        Quoted quoted = quote(devnet, user, "WETH", "USDC");
        assertThat(quoted.totals().healthFactor()).isLessThanOrEqualTo(HF_095);
        assertThat(quoted.quote().debtToCover()).isEqualTo(quoted.reserveDebt());
        assertThat(quoted.quote().debtToRequest()).as("asks for a little more, so that interest cannot leave dust")
                .isGreaterThan(quoted.quote().debtToCover());
        Liquidation done = liquidateAndCompare(devnet, quoted, liquidator);
        assertThat(borrowing(devnet, user, "USDC")).as("USDC debt cleared").isZero();
        assertThat(done.deficits()).isEmpty();
    }

    @Test
    void aPositionUnderTheTwoThousandThresholdIsLiquidatedInFullAboveHf095(Devnet devnet) {
        // 1 WETH against 1,580 USDC; WETH to $1,858: HF 0.970 but the collateral is worth $1,858 < $2,000
        Address user = borrower(devnet, Map.of("WETH", WAD), Map.of("USDC", usdc(1_580)));
        devnet.market().setPrice("WETH", ReserveSpec.usd(1_858), PriceMoveMethod.STORAGE_WRITE);
        Address liquidator = fundedLiquidator(devnet, "USDC"); // before the quote: funding mines blocks
        Quoted quoted = quote(devnet, user, "WETH", "USDC");
        assertThat(quoted.totals().healthFactor()).isGreaterThan(HF_095).isLessThan(WAD);
        assertThat(quoted.quote().debtToCover()).as("100 %%: small positions are cleared").isEqualTo(quoted.reserveDebt());
        liquidateAndCompare(devnet, quoted, liquidator);
        assertThat(borrowing(devnet, user, "USDC")).isZero();
    }

    @Test
    void aLiquidationThatWouldLeaveDustIsSizedDownToTheLargestAcceptedAmount(Devnet devnet) {
        // 1.2 WETH ($2,400) + 0.06 WBTC against 3,590 USDC; WBTC to $33,383: HF 0.970, 50 % cap = 1,795 USDC, which
        // would seize ~$1,885 of the $2,400 of WETH and leave ~$515 (< $1,000): MustNotLeaveDust
        Address user = borrower(devnet, orderedMap("WETH", new BigInteger("1200000000000000000"), "WBTC", BigInteger.valueOf(6_000_000)),
                Map.of("USDC", usdc(3_590)));
        devnet.market().setPrice("WBTC", ReserveSpec.usd(33_383), PriceMoveMethod.STORAGE_WRITE);
        Address liquidator = fundedLiquidator(devnet, "USDC"); // before the quote: funding mines blocks
        Quoted quoted = quote(devnet, user, "WETH", "USDC");
        assertThat(quoted.totals().healthFactor()).isGreaterThan(HF_095).isLessThan(WAD);
        BigInteger halfOfTotal = quoted.totals().totalDebtBase().add(BigInteger.ONE).shiftRight(1).multiply(BigInteger.TEN.pow(6))
                .divide(ReserveSpec.usd(1));
        assertThat(quoted.quote().debtToCover()).as("sized below the 50 %% cap").isLessThan(halfOfTotal);

        Deployment deployment = devnet.deployment();
        CallRequest atTheCap = CallRequest.call(deployment.aaveV3().pool(), AaveV3Calls.liquidationCall(asset(devnet, "WETH"), asset(devnet, "USDC"),
                user, halfOfTotal, false)).withFrom(liquidator);
        assertThatThrownBy(() -> devnet.chain().call(atTheCap, BlockTag.PENDING)).isInstanceOf(CallRevertedException.class)
                .satisfies(e -> assertThat(AaveV3Errors.describe(((CallRevertedException) e).data())).contains("MustNotLeaveDust"));
        CallRequest oneMore = CallRequest.call(deployment.aaveV3().pool(), AaveV3Calls.liquidationCall(asset(devnet, "WETH"), asset(devnet, "USDC"),
                user, quoted.quote().debtToCover().add(usdc(5)), false)).withFrom(liquidator);
        assertThatThrownBy(() -> devnet.chain().call(oneMore, BlockTag.PENDING)).as("$5 more than the quote leaves dust")
                .isInstanceOf(CallRevertedException.class);

        liquidateAndCompare(devnet, quoted, liquidator);
    }

    @Test
    void takingTheLastCollateralWritesTheRestOfTheDebtOffAsDeficits(Devnet devnet) {
        // 1 WETH against 1,450 USDC and 100 DAI; WETH to $1,000: HF 0.52, and the WETH is worth less than the debt
        Address user = borrower(devnet, Map.of("WETH", WAD), orderedMap("USDC", usdc(1_450), "DAI", WAD.multiply(BigInteger.valueOf(100))));
        devnet.market().setPrice("WETH", ReserveSpec.usd(1_000), PriceMoveMethod.STORAGE_WRITE);
        Address liquidator = fundedLiquidator(devnet, "USDC"); // before the quote: funding mines blocks
        Quoted quoted = quote(devnet, user, "WETH", "USDC");
        assertThat(quoted.quote().deficits()).extracting(LiquidationQuote.Deficit::asset)
                .containsExactlyInAnyOrder(asset(devnet, "USDC"), asset(devnet, "DAI"));
        Liquidation done = liquidateAndCompare(devnet, quoted, liquidator);
        assertThat(done.deficits()).containsExactlyInAnyOrderElementsOf(quoted.quote().deficits());
        assertThat(borrowing(devnet, user, "USDC")).isZero();
        assertThat(borrowing(devnet, user, "DAI")).isZero();
    }

    @Test
    void noQuoteDuringAReserveGracePeriodWhichThePoolRefusesTooAndOneAfterIt(Devnet devnet) {
        Address user = borrower(devnet, Map.of("WETH", new BigInteger("5000000000000000000")), Map.of("USDC", usdc(7_900)));
        devnet.market().setPrice("WETH", ReserveSpec.usd(1_800), PriceMoveMethod.STORAGE_WRITE); // HF 0.940
        Address liquidator = fundedLiquidator(devnet, "USDC");
        // an hour of grace for USDC, as governance gives after unpausing a reserve (PoolConfigurator.setReservePause)
        Deployment deployment = devnet.deployment();
        new Transactor(devnet.chain()).send("USDC grace period", deployment.deployer(), deployment.aaveV3().poolConfigurator(),
                Abi.call("setReservePause(address,bool,uint40)", address(asset(devnet, "USDC")), Abi.bool(false),
                        new org.web3j.abi.datatypes.generated.Uint40(3_600)));
        assertThat(quotes(devnet, user)).as("no quote while USDC is in its grace period").noneMatch(q -> q.debtAsset().equals(asset(devnet, "USDC")));
        CallRequest liquidation = CallRequest.call(deployment.aaveV3().pool(), AaveV3Calls.liquidationCall(asset(devnet, "WETH"), asset(devnet, "USDC"),
                user, WadRayMath.MAX_UINT256, false)).withFrom(liquidator);
        assertThatThrownBy(() -> devnet.chain().call(liquidation, BlockTag.PENDING)).isInstanceOf(CallRevertedException.class)
                .satisfies(e -> assertThat(AaveV3Errors.describe(((CallRevertedException) e).data())).contains("LiquidationGraceSentinelCheckFailed"));

        devnet.chain().setNextBlockTimestamp(devnet.chain().block(BlockTag.LATEST).timestamp() + 3_600);
        devnet.chain().mine();
        liquidateAndCompare(devnet, quote(devnet, user, "WETH", "USDC"), liquidator);
    }

    @Test
    void aSentinelThatRefusesLiquidationsAdmitsOnlyAccountsUnderHf095(Devnet devnet) {
        Address between = borrower(devnet, Map.of("WETH", new BigInteger("5000000000000000000")), Map.of("USDC", usdc(7_900)));
        Address deep = borrower(devnet, Map.of("WETH", new BigInteger("5000000000000000000")), Map.of("USDC", usdc(7_990)));
        devnet.market().setPrice("WETH", ReserveSpec.usd(1_820), PriceMoveMethod.STORAGE_WRITE); // HF 0.9503 and 0.9396
        Address liquidator = fundedLiquidator(devnet, "USDC");
        // an L2-style sentinel whose sequencer is down: liquidations only under HF 0.95 (aave-v3-origin PriceOracleSentinel)
        Deployment deployment = devnet.deployment();
        Transactor tx = new Transactor(devnet.chain());
        Address sequencer = tx.deploy("SequencerOracle", deployment.deployer(), ContractArtifact.fromClasspath("aave-v3.6/SequencerOracle").bytecode()
                + Abi.encodeArguments(address(deployment.deployer())));
        long now = devnet.chain().block(BlockTag.LATEST).timestamp();
        tx.send("sequencer down", deployment.deployer(), sequencer, Abi.call("setAnswer(bool,uint256)", Abi.bool(true), uint(BigInteger.valueOf(now))));
        Address sentinel = tx.deploy("PriceOracleSentinel", deployment.deployer(), ContractArtifact.fromClasspath("aave-v3.6/PriceOracleSentinel").bytecode()
                + Abi.encodeArguments(address(deployment.aaveV3().poolAddressesProvider()), address(sequencer), uint(BigInteger.valueOf(3_600))));
        tx.send("set sentinel", deployment.deployer(), deployment.aaveV3().poolAddressesProvider(),
                Abi.call("setPriceOracleSentinel(address)", address(sentinel)));

        Quoted refused = quoteOrNull(devnet, between);
        assertThat(refused.totals().healthFactor()).isGreaterThanOrEqualTo(HF_095);
        assertThat(refused.quote()).as("HF >= 0.95 while the sentinel refuses").isNull();
        CallRequest liquidation = CallRequest.call(deployment.aaveV3().pool(), AaveV3Calls.liquidationCall(asset(devnet, "WETH"), asset(devnet, "USDC"),
                between, WadRayMath.MAX_UINT256, false)).withFrom(liquidator);
        assertThatThrownBy(() -> devnet.chain().call(liquidation, BlockTag.PENDING)).isInstanceOf(CallRevertedException.class)
                .satisfies(e -> assertThat(AaveV3Errors.describe(((CallRevertedException) e).data())).contains("PriceOracleSentinelCheckFailed"));

        Quoted admitted = quote(devnet, deep, "WETH", "USDC");
        assertThat(admitted.totals().healthFactor()).isLessThan(HF_095);
        liquidateAndCompare(devnet, admitted, liquidator);
    }

    // --- the position, the quote and the liquidation ----------------------------------------------------------------

    private static List<LiquidationQuote> quotes(Devnet devnet, Address user) {
        NextBlock read = NextBlock.read(devnet, user);
        assertThat(AccountEvaluator.evaluate(read.context(), read.position(), null).liquidatable()).as("%s liquidatable", user).isTrue();
        return LiquidationMath.quotes(read.context(), read.position());
    }

    /** {@code user}'s position with the market and prices of the latest block, at the next block's timestamp. */
    private record NextBlock(Market market, Position position, BlockContext context) {

        static NextBlock read(Devnet devnet, Address user) {
            Deployment deployment = devnet.deployment();
            AaveV3Reader reader = new AaveV3Reader(devnet.chain(), deployment.multicall3());
            BlockHeader latest = devnet.chain().block(BlockTag.LATEST);
            BlockTag tag = BlockTag.number(latest.number());
            AaveV3Contracts contracts = reader.discover(deployment.aaveV3().poolAddressesProvider(), tag);
            Market market = reader.loadMarket(contracts, tag);
            Position position = reader.loadPositions(contracts, market, List.of(user), tag).get(0);
            return new NextBlock(market, position,
                    new BlockContext(market, reader.loadPrices(contracts, market, tag), latest.timestamp() + DevnetDeployer.BLOCK_INTERVAL_SECONDS));
        }
    }

    /** The WETH/USDC quote of {@code user}, or a null quote (with the totals) when the keeper would not liquidate. */
    private static Quoted quoteOrNull(Devnet devnet, Address user) {
        try {
            return quote(devnet, user, "WETH", "USDC");
        } catch (NoQuote e) {
            return new Quoted(user, null, e.totals, null);
        }
    }

    private static final class NoQuote extends AssertionError {
        final AccountData totals;

        NoQuote(String message, AccountData totals) {
            super(message);
            this.totals = totals;
        }
    }

    private record Quoted(Address user, LiquidationQuote quote, AccountData totals, BigInteger reserveDebt) {
    }

    private record Liquidation(BigInteger debtRepaid, BigInteger collateralToLiquidator, BigInteger fee, List<LiquidationQuote.Deficit> deficits) {
    }

    /** The local quote of (collateral, debt) at the next block's timestamp, as the Pool will compute it there. */
    private static Quoted quote(Devnet devnet, Address user, String collateral, String debt) {
        NextBlock read = NextBlock.read(devnet, user);
        Market market = read.market();
        Position position = read.position();
        BlockContext next = read.context();
        AccountData totals = AccountEvaluator.evaluate(next, position, null);
        LiquidationQuote quote = LiquidationMath.quotes(next, position).stream()
                .filter(q -> q.collateralAsset().equals(asset(devnet, collateral)) && q.debtAsset().equals(asset(devnet, debt)))
                .findFirst().orElseThrow(() -> new NoQuote("no " + collateral + "/" + debt + " quote for " + user + " (HF " + totals.healthFactor() + ")", totals));
        int debtId = market.reserve(asset(devnet, debt)).orElseThrow().id();
        BigInteger reserveDebt = position.balances(debtId).scaledVariableDebt().multiply(reserveDebtIndex(market, debtId, next))
                .add(BigInteger.TEN.pow(27).subtract(BigInteger.ONE)).divide(BigInteger.TEN.pow(27));
        return new Quoted(user, quote, totals, reserveDebt);
    }

    private static BigInteger reserveDebtIndex(Market market, int id, BlockContext block) {
        return market.reserve(id).orElseThrow().normalizedDebt(block.timestamp(), market.rules());
    }

    /** Sends the quote's liquidation (wallet funded) and asserts the Pool did exactly what the quote says. */
    private Liquidation liquidateAndCompare(Devnet devnet, Quoted quoted, Address liquidator) {
        Deployment deployment = devnet.deployment();
        LiquidationQuote quote = quoted.quote();
        TransactionReceipt receipt = new Transactor(devnet.chain()).send("liquidate " + quoted.user(), liquidator, deployment.aaveV3().pool(),
                AaveV3Calls.liquidationCall(quote.collateralAsset(), quote.debtAsset(), quoted.user(), quote.debtToRequest(), false));
        assertThat(receipt.success()).isTrue();
        Address aToken = reserve(devnet, quote.collateralAsset()).aToken();
        Address treasury = Abi.decodeAddress(new Transactor(devnet.chain()).call(aToken, Abi.call("RESERVE_TREASURY_ADDRESS()")));
        BigInteger debtRepaid = null;
        BigInteger collateral = null;
        BigInteger fee = BigInteger.ZERO;
        List<LiquidationQuote.Deficit> deficits = new ArrayList<>();
        for (LogEntry log : receipt.logs()) {
            if (log.topic0().equals(Abi.topic(LIQUIDATION_CALL))) {
                debtRepaid = Words.uint(log.data(), 0);
                collateral = Words.uint(log.data(), 1);
            } else if (log.topic0().equals(TRANSFER) && log.address().equals(aToken) && topicAddress(log, 1).equals(quoted.user())
                    && topicAddress(log, 2).equals(treasury)) {
                fee = fee.add(Words.uint(log.data(), 0));
            } else if (log.topic0().equals(DEFICIT_CREATED)) {
                deficits.add(new LiquidationQuote.Deficit(topicAddress(log, 2), Words.uint(log.data(), 0)));
            }
        }
        assertThat(debtRepaid).as("debt repaid").isEqualTo(quote.debtToCover());
        assertThat(collateral).as("collateral to the liquidator").isEqualTo(quote.collateralToLiquidator());
        assertThat(fee).as("protocol fee").isEqualTo(quote.protocolFee()).isPositive();
        assertThat(deficits).as("deficits").containsExactlyInAnyOrderElementsOf(quote.deficits());
        return new Liquidation(debtRepaid, collateral, fee, deficits);
    }

    private static Address topicAddress(LogEntry log, int index) {
        return Words.address(log.topics().get(index), 0);
    }

    private Address borrower(Devnet devnet, Map<String, BigInteger> collateral, Map<String, BigInteger> debt) {
        Address user = DevnetDeployer.derivedAddress("margin-call/test/v36-quotes/" + accounts++);
        devnet.chain().setBalance(user, WAD.multiply(BigInteger.TEN));
        Transactor tx = new Transactor(devnet.chain());
        Address pool = devnet.deployment().aaveV3().pool();
        collateral.forEach((symbol, amount) -> {
            Address asset = asset(devnet, symbol);
            tx.send("mint " + symbol, user, asset, Abi.call("mint(uint256)", uint(amount)));
            tx.send("approve " + symbol, user, asset, Abi.call("approve(address,uint256)", address(pool), uint(amount)));
            tx.send("supply " + symbol, user, pool, Abi.call("supply(address,uint256,address,uint16)", address(asset), uint(amount), address(user),
                    Abi.uint16(0)));
        });
        debt.forEach((symbol, amount) -> {
            String borrow = Abi.call("borrow(address,uint256,uint256,uint16,address)", address(asset(devnet, symbol)), uint(amount),
                    uint(BigInteger.TWO), Abi.uint16(0), address(user));
            // a fixed gas limit, as the seeder uses: Anvil's estimate for a 3.6 borrow came out too low and it ran out of gas
            tx.send("borrow " + symbol, new CallRequest(user, pool, borrow, null, BigInteger.valueOf(2_000_000)));
        });
        return user;
    }

    private Address fundedLiquidator(Devnet devnet, String debtSymbol) {
        Address liquidator = DevnetDeployer.derivedAddress("margin-call/test/v36-quotes/liquidator/" + accounts++);
        devnet.chain().setBalance(liquidator, WAD.multiply(BigInteger.TEN));
        Transactor tx = new Transactor(devnet.chain());
        Address asset = asset(devnet, debtSymbol);
        BigInteger funds = BigInteger.TEN.pow(30);
        tx.send("mint", liquidator, asset, Abi.call("mint(uint256)", uint(funds)));
        tx.send("approve", liquidator, asset, Abi.call("approve(address,uint256)", address(devnet.deployment().aaveV3().pool()), uint(funds)));
        return liquidator;
    }

    private static BigInteger borrowing(Devnet devnet, Address user, String symbol) {
        Address debtToken = devnet.deployment().reserve(symbol).variableDebtToken();
        return Abi.decodeUint(new Transactor(devnet.chain()).call(debtToken, Abi.call("balanceOf(address)", address(user))));
    }

    private static Address asset(Devnet devnet, String symbol) {
        return devnet.deployment().reserve(symbol).asset();
    }

    private static Deployment.Reserve reserve(Devnet devnet, Address asset) {
        return devnet.deployment().reserves().stream().filter(r -> r.asset().equals(asset)).findFirst().orElseThrow();
    }

    private static String symbolOf(Devnet devnet, Address asset) {
        return reserve(devnet, asset).symbol();
    }

    private static BigInteger usdc(long dollars) {
        return BigInteger.valueOf(dollars).multiply(BigInteger.TEN.pow(6));
    }

    private static Map<String, BigInteger> orderedMap(String k1, BigInteger v1, String k2, BigInteger v2) {
        Map<String, BigInteger> map = new LinkedHashMap<>();
        map.put(k1, v1);
        map.put(k2, v2);
        return map;
    }
}
