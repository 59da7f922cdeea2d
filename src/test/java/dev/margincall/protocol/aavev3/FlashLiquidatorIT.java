package dev.margincall.protocol.aavev3;

import static dev.margincall.chain.abi.Abi.address;
import static dev.margincall.chain.abi.Abi.uint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.CallRevertedException;
import dev.margincall.chain.DevChain;
import dev.margincall.chain.LogEntry;
import dev.margincall.chain.TransactionReceipt;
import dev.margincall.chain.abi.Abi;
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
import dev.margincall.protocol.aavev3.model.WadRayMath;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.abi.datatypes.DynamicArray;

/**
 * contracts/FlashLiquidator.sol against the real Aave V3.0.2 and Uniswap V2 of the devnet: WETH crashed 30 % and WBTC 40 %,
 * a seeded borrower with WETH collateral and USDC debt, and a constructed one with WETH as both collateral and debt. Every test
 * runs on a snapshot of that state and reverts it afterwards. Pinned to V3.0.2: its expected amounts follow 3.0's rounding
 * and error strings; the contract against 3.6's Pool is exercised end to end by KeeperIT (flash-loan funding, exact profit).
 */
@WithDevnet(borrowers = 300, seed = 7, aave = "3.0")
class FlashLiquidatorIT {

    /** Anvil's dev account #1 (unlocked): no devnet role uses it (the deployer is #0, the others are derived addresses). */
    static final Address KEEPER = Address.of("0x70997970c51812dc3a010c7d01b50e0d17dc79c8");
    static final Address STRANGER = DevnetDeployer.derivedAddress("margin-call/test/stranger");
    static final Address WALLET = DevnetDeployer.derivedAddress("margin-call/test/funded-liquidator");
    static final Address WHALE = DevnetDeployer.derivedAddress("margin-call/test/whale");
    static final Address RECIPIENT = DevnetDeployer.derivedAddress("margin-call/test/rescue-recipient");
    static final Address SAME_ASSET_BORROWER = DevnetDeployer.derivedAddress("margin-call/test/same-asset-borrower");
    static final String SWAP_TOPIC = Abi.topic("Swap(address,uint256,uint256,uint256,uint256,address)");
    static final BigInteger ETHER = BigInteger.TEN.pow(18);
    static final BigInteger MAX_GAS = BigInteger.valueOf(3_000_000);

    static DevChain chain;
    static Transactor tx;
    static Deployment deployment;
    static Address pool;
    static Address weth;
    static Address usdc;
    static Address liquidator;
    static BigInteger premiumBps;
    /** A liquidatable seeded borrower with WETH collateral and USDC debt, and the USDC the tests flash-borrow for it. */
    static SeededBorrower victim;
    static BigInteger victimLoan;

    private String snapshot;

    @BeforeAll
    static void deployCrashAndPickVictims(Devnet devnet) {
        chain = devnet.chain();
        tx = new Transactor(chain);
        deployment = devnet.deployment();
        pool = deployment.aaveV3().pool();
        weth = deployment.reserve("WETH").asset();
        usdc = deployment.reserve("USDC").asset();
        for (Address account : List.of(KEEPER, STRANGER, WALLET, WHALE, SAME_ASSET_BORROWER)) {
            chain.setBalance(account, ETHER.multiply(BigInteger.valueOf(100)));
        }

        liquidator = tx.deploy("FlashLiquidator", KEEPER, FlashLiquidator.deployData(deployment.aaveV3().poolAddressesProvider(),
                deployment.uniswapV2().router()));
        assertThat(Abi.decodeAddress(tx.call(liquidator, FlashLiquidator.owner()))).isEqualTo(KEEPER);
        assertThat(Abi.decodeAddress(tx.call(liquidator, FlashLiquidator.pool()))).isEqualTo(pool);
        assertThat(Abi.decodeAddress(tx.call(liquidator, FlashLiquidator.router()))).isEqualTo(deployment.uniswapV2().router());
        premiumBps = Abi.decodeUint(tx.call(pool, AaveV3Calls.flashLoanPremiumTotal()));
        assertThat(premiumBps).isEqualTo(9);

        // Same asset: 2.5 WBTC ($100k) and 10 WETH ($20k) as collateral, 42.5 WETH borrowed (just under the LTV limit).
        // A WBTC crash then leaves HF ≈ 0.95, and Aave can take only as much WETH debt as 10 WETH of collateral pays for.
        Address wbtc = deployment.reserve("WBTC").asset();
        supply(SAME_ASSET_BORROWER, wbtc, BigInteger.valueOf(250_000_000L));
        supply(SAME_ASSET_BORROWER, weth, ETHER.multiply(BigInteger.TEN));
        // With a fixed gas limit: Anvil's estimate for this borrow falls short and the transaction reverts out of gas.
        TransactionReceipt borrow = sendMined(SAME_ASSET_BORROWER, pool, Abi.call("borrow(address,uint256,uint256,uint16,address)",
                address(weth), uint(ETHER.multiply(BigInteger.valueOf(425)).divide(BigInteger.TEN)), uint(2), Abi.uint16(0),
                address(SAME_ASSET_BORROWER)));
        assertThat(borrow.success()).as("borrow 42.5 WETH").isTrue();

        devnet.market().movePrice("WETH", -3_000, PriceMoveMethod.SOURCE_SWAP);
        devnet.market().movePrice("WBTC", -4_000, PriceMoveMethod.SOURCE_SWAP);

        AccountDataReader reader = new AccountDataReader(chain, deployment.multicall3(), pool);
        List<UserAccountData> data = reader.read(devnet.borrowers().stream().map(SeededBorrower::address).toList(), BlockTag.LATEST);
        victim = devnet.borrowers().stream()
                .filter(b -> data.get(b.index()).liquidatable())
                .filter(b -> b.collateral().stream().anyMatch(h -> h.symbol().equals("WETH")))
                .filter(b -> b.debt().stream().anyMatch(h -> h.symbol().equals("USDC")))
                .max(Comparator.comparing(b -> debt(deployment.reserve("USDC"), b.address())))
                .orElseThrow(() -> new AssertionError("no liquidatable borrower with WETH collateral and USDC debt"));
        victimLoan = debt(deployment.reserve("USDC"), victim.address()).divide(BigInteger.TWO);
        assertThat(reader.read(List.of(SAME_ASSET_BORROWER), BlockTag.LATEST).get(0).liquidatable()).isTrue();
    }

    @BeforeEach
    void takeSnapshot() {
        snapshot = chain.snapshot();
    }

    @AfterEach
    void revertToSnapshot() {
        assertThat(chain.revert(snapshot)).isTrue();
    }

    // --- (a) collateral ≠ debt ---------------------------------------------------------------------

    @Test
    void aFlashLiquidationSellsTheCollateralAndPaysTheExactProfitToAnOwnerWithoutCapital() {
        assertThat(balance(usdc, KEEPER)).as("the owner starts without any debt asset").isZero();
        Address pair = deployment.uniswapV2().pairs().get("WETH/USDC");
        String reserves = tx.call(pair, Abi.call("getReserves()"));
        boolean wethIsToken0 = weth.compareTo(usdc) < 0;
        BigInteger wethReserve = Words.uint(reserves, wethIsToken0 ? 0 : 1);
        BigInteger usdcReserve = Words.uint(reserves, wethIsToken0 ? 1 : 0);

        TransactionReceipt receipt = sendOk("flash liquidation", KEEPER, liquidator,
                FlashLiquidator.liquidate(weth, usdc, victim.address(), victimLoan, List.of(weth, usdc), BigInteger.ZERO, BigInteger.ONE));

        LiquidationCallEvent aave = liquidationCall(receipt);
        FlashLiquidator.Liquidated ours = liquidated(receipt);
        assertThat(aave.user()).isEqualTo(victim.address());
        assertThat(aave.liquidator()).isEqualTo(liquidator);
        assertThat(aave.debtToCover()).isPositive().isLessThanOrEqualTo(victimLoan);
        BigInteger proceeds = amountOut(aave.liquidatedCollateralAmount(), wethReserve, usdcReserve);
        BigInteger expectedProfit = proceeds.subtract(aave.debtToCover()).subtract(WadRayMath.percentMul(victimLoan, premiumBps));
        assertThat(expectedProfit).isPositive();

        assertThat(ours).isEqualTo(new FlashLiquidator.Liquidated(liquidator, victim.address(), weth, usdc, aave.debtToCover(),
                aave.liquidatedCollateralAmount(), expectedProfit));
        assertThat(balance(usdc, KEEPER)).isEqualTo(expectedProfit);
        assertThat(balance(usdc, liquidator)).isZero();
        assertThat(balance(weth, liquidator)).isZero();
        assertThat(allowance(usdc, liquidator, pool)).isZero();
        System.out.printf("flash liquidation WETH→USDC: loan %s, repaid %s, seized %s WETH wei, profit %s USDC units, gas %s%n",
                victimLoan, aave.debtToCover(), aave.liquidatedCollateralAmount(), expectedProfit, receipt.gasUsed());
    }

    @Test
    void gasOfABareWalletFundedLiquidationCallAndOfTheFlashLiquidationOfTheSameScenario() {
        tx.send("mint USDC", WALLET, usdc, Abi.call("mint(uint256)", uint(victimLoan)));
        tx.send("approve the pool", WALLET, usdc, Erc20.approve(pool, victimLoan));
        String flashCall = FlashLiquidator.liquidate(weth, usdc, victim.address(), victimLoan, List.of(weth, usdc), BigInteger.ZERO, BigInteger.ONE);
        // estimated on the state both transactions start from (asked after the revert below, Anvil answered
        // once, in a full CI run, as if the bare liquidation were still there: error 46, collateral gone)
        BigInteger estimate = chain.estimateGas(new CallRequest(KEEPER, liquidator, flashCall, null, null));
        String beforeBoth = chain.snapshot();
        TransactionReceipt bare = tx.send("liquidationCall", WALLET, pool,
                AaveV3Calls.liquidationCall(weth, usdc, victim.address(), victimLoan, false));
        LiquidationCallEvent bareEvent = liquidationCall(bare);
        assertThat(chain.revert(beforeBoth)).isTrue();

        TransactionReceipt flash = sendOk("flash liquidation", KEEPER, liquidator, flashCall);
        LiquidationCallEvent flashEvent = liquidationCall(flash);
        assertThat(flash.blockNumber()).as("same block after the revert, so the same interest").isEqualTo(bare.blockNumber());
        assertThat(List.of(flashEvent.debtToCover(), flashEvent.liquidatedCollateralAmount()))
                .as("same liquidation").isEqualTo(List.of(bareEvent.debtToCover(), bareEvent.liquidatedCollateralAmount()));
        assertThat(flash.gasUsed()).isGreaterThan(bare.gasUsed());
        System.out.printf("GAS bare liquidationCall (wallet-funded, pre-approved, keeps the WETH): %s; flash liquidation "
                + "(flash loan + liquidationCall + WETH→USDC swap + repay + payout): %s; difference %s%n",
                bare.gasUsed(), flash.gasUsed(), flash.gasUsed().subtract(bare.gasUsed()));
        System.out.printf("GAS eth_estimateGas of the flash liquidation on the state it starts from: %s (used when mined: %s)%n", estimate, flash.gasUsed());
    }

    // --- (b) collateral = debt ---------------------------------------------------------------------

    @Test
    void aSameAssetLiquidationNeedsNoSwapAndTheUnusedLoanGoesBackToAave() {
        BigInteger ownerWethBefore = balance(weth, KEEPER);
        BigInteger loan = ETHER.multiply(BigInteger.valueOf(21));
        TransactionReceipt receipt = sendOk("same-asset flash liquidation", KEEPER, liquidator,
                FlashLiquidator.liquidate(weth, weth, SAME_ASSET_BORROWER, loan, List.of(), BigInteger.ZERO, BigInteger.ONE));

        LiquidationCallEvent aave = liquidationCall(receipt);
        FlashLiquidator.Liquidated ours = liquidated(receipt);
        assertThat(aave.debtToCover()).as("10 WETH of collateral caps the debt Aave takes").isLessThan(ETHER.multiply(BigInteger.TEN));
        BigInteger expectedProfit = aave.liquidatedCollateralAmount().subtract(aave.debtToCover())
                .subtract(WadRayMath.percentMul(loan, premiumBps));
        assertThat(expectedProfit).isPositive();
        assertThat(ours).isEqualTo(new FlashLiquidator.Liquidated(liquidator, SAME_ASSET_BORROWER, weth, weth, aave.debtToCover(),
                aave.liquidatedCollateralAmount(), expectedProfit));
        assertThat(balance(weth, KEEPER).subtract(ownerWethBefore)).isEqualTo(expectedProfit);
        assertThat(balance(weth, liquidator)).isZero();
        assertThat(receipt.logs()).noneMatch(log -> SWAP_TOPIC.equals(log.topic0()));
        System.out.printf("same-asset flash liquidation: loan %s, repaid %s, seized %s, profit %s WETH wei, gas %s%n",
                loan, aave.debtToCover(), aave.liquidatedCollateralAmount(), expectedProfit, receipt.gasUsed());
    }

    @Test
    void swapPathsThatDoNotGoFromCollateralToDebtAreRefusedBeforeTheLoan() {
        Address wbtc = deployment.reserve("WBTC").asset();
        assertRevertsWith(KEEPER, FlashLiquidator.liquidate(weth, weth, SAME_ASSET_BORROWER, ETHER, List.of(weth, usdc), BigInteger.ZERO,
                BigInteger.ZERO), "BadSwapPath");
        for (List<Address> path : List.of(List.<Address>of(), List.of(weth), List.of(usdc, weth), List.of(weth, wbtc), List.of(wbtc, usdc))) {
            assertRevertsWith(KEEPER, FlashLiquidator.liquidate(weth, usdc, victim.address(), victimLoan, path, BigInteger.ZERO, BigInteger.ZERO),
                    "BadSwapPath");
        }
        // A longer path through WBTC is fine.
        sendOk("flash liquidation via WBTC", KEEPER, liquidator,
                FlashLiquidator.liquidate(weth, usdc, victim.address(), victimLoan, List.of(weth, wbtc, usdc), BigInteger.ZERO, BigInteger.ONE));
        assertThat(balance(usdc, KEEPER)).isPositive();
    }

    // --- (c), (d) who may call -------------------------------------------------------------------------

    @Test
    void aStrangerCannotLiquidateThroughOurContract() {
        assertRevertsWith(STRANGER, FlashLiquidator.liquidate(weth, usdc, victim.address(), victimLoan, List.of(weth, usdc), BigInteger.ZERO,
                BigInteger.ZERO), "NotOwner");
        TransactionReceipt mined = sendMined(STRANGER, liquidator, FlashLiquidator.liquidate(weth, usdc, victim.address(), victimLoan,
                List.of(weth, usdc), BigInteger.ZERO, BigInteger.ZERO));
        assertThat(mined.success()).isFalse();
        assertThat(mined.logs()).isEmpty();
    }

    @Test
    void forgedFlashLoanCallbacksAreRefused() {
        String params = Abi.encodeArguments(address(weth), address(victim.address()));
        String callback = Abi.call("executeOperation(address,uint256,uint256,address,bytes)", address(usdc), uint(1_000_000), uint(900),
                address(liquidator), Abi.bytes(params));
        assertRevertsWith(STRANGER, callback, "NotPool");
        assertRevertsWith(KEEPER, callback, "NotPool");

        // A real flash loan from the Pool, naming our contract as receiver: the Pool calls back, the initiator is the stranger.
        String forged = AaveV3Calls.flashLoanSimple(liquidator, usdc, BigInteger.valueOf(1_000_000_000L), params, 0);
        RevertReason.Decoded decoded = revert(new CallRequest(STRANGER, pool, forged, null, null));
        assertThat(decoded.text()).isEqualTo("BadInitiator()");
        // Even with funds in the contract to pay a premium from, the forged loan fails.
        tx.send("mint USDC", STRANGER, usdc, Abi.call("mint(uint256)", uint(1_000_000_000L)));
        tx.send("fund the liquidator", STRANGER, usdc, Erc20.transfer(liquidator, BigInteger.valueOf(1_000_000_000L)));
        assertThat(revert(new CallRequest(STRANGER, pool, forged, null, null)).is("BadInitiator")).isTrue();
    }

    // --- (e) a liquidation that does not pay ---------------------------------------------------------

    @Test
    void aMinimumProfitAboveWhatTheLiquidationYieldsRevertsAndChangesNothing() {
        String tooGreedy = FlashLiquidator.liquidate(weth, usdc, victim.address(), victimLoan, List.of(weth, usdc), BigInteger.ZERO,
                BigInteger.ONE.shiftLeft(200));
        RevertReason.Decoded decoded = revert(new CallRequest(KEEPER, liquidator, tooGreedy, null, null));
        assertThat(decoded.is("InsufficientProfit")).as(decoded.text()).isTrue();
        BigInteger possible = (BigInteger) decoded.argument("profit");
        assertThat(possible).isPositive();
        assertThat(decoded.argument("minProfit")).isEqualTo(BigInteger.ONE.shiftLeft(200));

        List<BigInteger> before = balances();
        TransactionReceipt mined = sendMined(KEEPER, liquidator, tooGreedy);
        assertThat(mined.success()).isFalse();
        assertThat(balances()).isEqualTo(before);

        // Asking for the profit the simulation named succeeds. The transaction lands two blocks (24 s) after the simulated
        // state, the reverted one in between, and the interest of those seconds moves the amounts by a few units.
        TransactionReceipt exact = sendOk("flash liquidation at the named profit", KEEPER, liquidator,
                FlashLiquidator.liquidate(weth, usdc, victim.address(), victimLoan, List.of(weth, usdc), BigInteger.ZERO, possible));
        BigInteger profit = liquidated(exact).profit();
        assertThat(profit).isBetween(possible, possible.add(possible.divide(BigInteger.valueOf(1_000_000))));
        assertThat(balance(usdc, KEEPER)).isEqualTo(profit);
    }

    @Test
    void aSwapThatDoesNotCoverTheLoanRevertsAndChangesNothing() {
        // A whale dumps three times the pair's WETH into it: WETH now sells for about a sixteenth of the oracle price.
        Address pair = deployment.uniswapV2().pairs().get("WETH/USDC");
        BigInteger dump = balance(weth, pair).multiply(BigInteger.valueOf(3));
        tx.send("mint WETH", WHALE, weth, Abi.call("mint(uint256)", uint(dump)));
        tx.send("approve the router", WHALE, weth, Erc20.approve(deployment.uniswapV2().router(), dump));
        tx.send("dump WETH", WHALE, deployment.uniswapV2().router(), Abi.call("swapExactTokensForTokens(uint256,uint256,address[],address,uint256)",
                uint(dump), uint(0), path(weth, usdc), address(WHALE), uint(BigInteger.ONE.shiftLeft(64))));

        String liquidate = FlashLiquidator.liquidate(weth, usdc, victim.address(), victimLoan, List.of(weth, usdc), BigInteger.ZERO, BigInteger.ZERO);
        RevertReason.Decoded decoded = revert(new CallRequest(KEEPER, liquidator, liquidate, null, null));
        assertThat(decoded.is("RepaymentShortfall")).as(decoded.text()).isTrue();
        assertThat(decoded.argument("owed")).isEqualTo(victimLoan.add(WadRayMath.percentMul(victimLoan, premiumBps)));
        assertThat((BigInteger) decoded.argument("available")).isLessThan((BigInteger) decoded.argument("owed"));

        List<BigInteger> before = balances();
        BigInteger victimDebt = debt(deployment.reserve("USDC"), victim.address());
        TransactionReceipt mined = sendMined(KEEPER, liquidator, liquidate);
        assertThat(mined.success()).isFalse();
        assertThat(balances()).isEqualTo(before);
        assertThat(debt(deployment.reserve("USDC"), victim.address())).isGreaterThanOrEqualTo(victimDebt);

        // With a minimum output the router refuses first, and says so.
        String bounded = FlashLiquidator.liquidate(weth, usdc, victim.address(), victimLoan, List.of(weth, usdc), victimLoan, BigInteger.ZERO);
        assertThat(revert(new CallRequest(KEEPER, liquidator, bounded, null, null)).text()).isEqualTo("UniswapV2Router: INSUFFICIENT_OUTPUT_AMOUNT");
    }

    @Test
    void aaveRefusalsComeBackNamed() {
        Address healthy = STRANGER; // no position at all
        RevertReason.Decoded decoded = revert(new CallRequest(KEEPER, liquidator, FlashLiquidator.liquidate(weth, usdc, healthy, victimLoan,
                List.of(weth, usdc), BigInteger.ZERO, BigInteger.ZERO), null, null));
        assertThat(decoded.kind()).isEqualTo(RevertReason.Kind.ERROR_STRING);
        assertThat(decoded.name()).as(decoded.text()).isIn("HEALTH_FACTOR_NOT_BELOW_THRESHOLD", "SPECIFIED_CURRENCY_NOT_BORROWED_BY_USER");
    }

    // --- (f) rescue ------------------------------------------------------------------------------

    @Test
    void onlyTheOwnerRescuesTokensAndEther() {
        BigInteger stray = BigInteger.valueOf(5_000_000L);
        tx.send("mint USDC", STRANGER, usdc, Abi.call("mint(uint256)", uint(stray)));
        tx.send("send USDC to the liquidator by mistake", STRANGER, usdc, Erc20.transfer(liquidator, stray));
        assertRevertsWith(STRANGER, FlashLiquidator.rescue(usdc, STRANGER, stray), "NotOwner");
        tx.send("rescue USDC", KEEPER, liquidator, FlashLiquidator.rescue(usdc, RECIPIENT, stray));
        assertThat(balance(usdc, RECIPIENT)).isEqualTo(stray);
        assertThat(balance(usdc, liquidator)).isZero();

        // A plain ETH transfer is refused (no receive function); forced-in ETH can still be taken out by the owner.
        assertThatThrownBy(() -> chain.call(new CallRequest(STRANGER, liquidator, "0x", ETHER, null), BlockTag.LATEST))
                .isInstanceOf(CallRevertedException.class);
        chain.setBalance(liquidator, ETHER);
        assertRevertsWith(STRANGER, FlashLiquidator.rescueEth(STRANGER, ETHER), "NotOwner");
        assertRevertsWith(KEEPER, FlashLiquidator.rescueEth(liquidator, ETHER), "EthTransferFailed");
        BigInteger recipientBefore = chain.balance(RECIPIENT, BlockTag.LATEST);
        tx.send("rescue ETH", KEEPER, liquidator, FlashLiquidator.rescueEth(RECIPIENT, ETHER));
        assertThat(chain.balance(RECIPIENT, BlockTag.LATEST).subtract(recipientBefore)).isEqualTo(ETHER);
        assertThat(chain.balance(liquidator, BlockTag.LATEST)).isZero();
    }

    // --- helpers -----------------------------------------------------------------------------------

    /** Uniswap V2's getAmountOut (UniswapV2Library): 0.3 % fee on the input. */
    static BigInteger amountOut(BigInteger amountIn, BigInteger reserveIn, BigInteger reserveOut) {
        BigInteger inWithFee = amountIn.multiply(BigInteger.valueOf(997));
        return inWithFee.multiply(reserveOut).divide(reserveIn.multiply(BigInteger.valueOf(1000)).add(inWithFee));
    }

    static void supply(Address who, Address asset, BigInteger amount) {
        tx.send("mint", who, asset, Abi.call("mint(uint256)", uint(amount)));
        tx.send("approve", who, asset, Erc20.approve(pool, amount));
        tx.send("supply", who, pool, Abi.call("supply(address,uint256,address,uint16)", address(asset), uint(amount), address(who), Abi.uint16(0)));
    }

    static BigInteger balance(Address token, Address account) {
        return Abi.decodeUint(tx.call(token, Erc20.balanceOf(account)));
    }

    static BigInteger allowance(Address token, Address owner, Address spender) {
        return Abi.decodeUint(tx.call(token, Erc20.allowance(owner, spender)));
    }

    static BigInteger debt(Deployment.Reserve reserve, Address account) {
        return balance(reserve.variableDebtToken(), account);
    }

    /** The owner's and the contract's WETH and USDC. */
    static List<BigInteger> balances() {
        return List.of(balance(usdc, KEEPER), balance(weth, KEEPER), balance(usdc, liquidator), balance(weth, liquidator));
    }

    static DynamicArray<org.web3j.abi.datatypes.Address> path(Address... tokens) {
        return new DynamicArray<>(org.web3j.abi.datatypes.Address.class, java.util.Arrays.stream(tokens).map(Abi::address).toList());
    }

    static LiquidationCallEvent liquidationCall(TransactionReceipt receipt) {
        List<LogEntry> logs = receipt.logs().stream().filter(log -> log.address().equals(pool) && LiquidationCallEvent.matches(log)).toList();
        assertThat(logs).hasSize(1);
        return LiquidationCallEvent.decode(logs.get(0));
    }

    static FlashLiquidator.Liquidated liquidated(TransactionReceipt receipt) {
        List<FlashLiquidator.Liquidated> events = FlashLiquidator.liquidatedEvents(receipt.logs(), liquidator);
        assertThat(events).hasSize(1);
        return events.get(0);
    }

    static RevertReason.Decoded revert(CallRequest call) {
        return revert(call, BlockTag.LATEST);
    }

    static RevertReason.Decoded revert(CallRequest call, BlockTag block) {
        try {
            chain.call(call, block);
        } catch (CallRevertedException e) {
            return AaveV3Errors.parse(e.data());
        }
        return fail("expected " + call + " to revert");
    }

    static void assertRevertsWith(Address from, String calldata, String errorName) {
        RevertReason.Decoded decoded = revert(new CallRequest(from, liquidator, calldata, null, null));
        assertThat(decoded.name()).as(decoded.text()).isEqualTo(errorName);
    }

    /**
     * Sends with a fixed gas limit and checks it succeeded. Anvil's gas estimate for transactions through the Aave
     * Pool sometimes falls short (mined, then out of gas), so liquidations do not rely on it.
     */
    static TransactionReceipt sendOk(String what, Address from, Address to, String calldata) {
        TransactionReceipt receipt = sendMined(from, to, calldata);
        if (!receipt.success()) {
            String reason;
            try {
                chain.call(new CallRequest(from, to, calldata, null, MAX_GAS), BlockTag.number(receipt.blockNumber() - 1));
                reason = "no revert when replayed on the block before";
            } catch (CallRevertedException e) {
                reason = AaveV3Errors.describe(e.data());
            }
            fail(what + " reverted on chain: gas used " + receipt.gasUsed() + " of " + MAX_GAS + ", " + reason);
        }
        return receipt;
    }

    /** Sends with a fixed gas limit, so the node mines the transaction even though it reverts (no estimate first). */
    static TransactionReceipt sendMined(Address from, Address to, String calldata) {
        String hash = chain.sendTransaction(new CallRequest(from, to, calldata, null, MAX_GAS));
        return Awaitility.await("transaction " + hash + " mined").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(2))
                .until(() -> chain.receipt(hash), Optional::isPresent).orElseThrow();
    }
}
