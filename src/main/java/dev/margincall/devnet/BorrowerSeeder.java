package dev.margincall.devnet;

import static dev.margincall.chain.abi.Abi.address;
import static dev.margincall.chain.abi.Abi.uint;
import static dev.margincall.chain.abi.Abi.uint16;

import dev.margincall.chain.DevChain;
import dev.margincall.chain.abi.Abi;
import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts planned borrowers on chain, in every market. The liquidity provider first supplies enough of
 * every market's reserves for all the debt planned there; then every borrower's transactions (mint,
 * approve, supply, eMode, borrow), market after market, go into the pool with automine off and are
 * mined together, in FIFO order, in as few blocks as the gas limit allows. Each borrower's
 * transactions keep their order through its nonce.
 */
public final class BorrowerSeeder {

    private static final Logger log = LoggerFactory.getLogger(BorrowerSeeder.class);
    private static final BigInteger GAS_MONEY = BigInteger.TEN.pow(20); // 100 ETH
    /** Debt is at most this share of what the liquidity provider supplies (utilization ~2/3). */
    private static final BigInteger LIQUIDITY_MULTIPLE_NUM = BigInteger.valueOf(3);
    private static final BigInteger LIQUIDITY_MULTIPLE_DEN = BigInteger.valueOf(2);
    private static final BigInteger MIN_LIQUIDITY_BASE = ReserveSpec.usd(1_000_000);

    private final DevChain chain;
    private final Transactor tx;
    private final Deployment deployment;

    public BorrowerSeeder(DevChain chain, Deployment deployment) {
        this.chain = chain;
        this.tx = new Transactor(chain);
        this.deployment = deployment;
    }

    /** Seeds each market's borrowers into that market's Pool. */
    public void seed(List<DevnetMarket> markets) {
        long started = System.nanoTime();
        chain.setBalance(deployment.liquidityProvider(), GAS_MONEY);
        for (DevnetMarket market : markets) {
            provideLiquidity(market.deployed(), market.borrowers());
        }
        SetupBatch batch = new SetupBatch(chain);
        for (DevnetMarket market : markets) {
            chain.setBalances(market.borrowers().stream().map(SeededBorrower::address).toList(), GAS_MONEY);
            for (SeededBorrower borrower : market.borrowers()) {
                addBorrowerTransactions(market.deployed(), borrower, batch);
            }
        }
        if (batch.size() == 0) {
            return;
        }
        int blocks = batch.mineAll();
        log.info("seeded {} borrowers in {} market(s): {} transactions in {} blocks, {} ms",
                markets.stream().mapToInt(m -> m.borrowers().size()).sum(), markets.size(), batch.size(), blocks,
                (System.nanoTime() - started) / 1_000_000);
    }

    private void provideLiquidity(Deployment.AaveMarket market, List<SeededBorrower> borrowers) {
        Map<String, BigInteger> debtBySymbol = new HashMap<>();
        for (SeededBorrower borrower : borrowers) {
            for (Holding debt : borrower.debt()) {
                debtBySymbol.merge(debt.symbol(), debt.amount(), BigInteger::add);
            }
        }
        Address lp = deployment.liquidityProvider();
        Address pool = market.aaveV3().pool();
        for (Deployment.Reserve reserve : market.reserves()) {
            BigInteger minimum = MIN_LIQUIDITY_BASE.multiply(BigInteger.TEN.pow(reserve.decimals())).divide(reserve.price());
            BigInteger needed = debtBySymbol.getOrDefault(reserve.symbol(), BigInteger.ZERO)
                    .multiply(LIQUIDITY_MULTIPLE_NUM).divide(LIQUIDITY_MULTIPLE_DEN);
            BigInteger amount = needed.max(minimum);
            String what = "liquidity provider " + market.name() + " " + reserve.symbol();
            tx.send(what + " mint", lp, reserve.asset(), Abi.call("mint(uint256)", uint(amount)));
            tx.send(what + " approve", lp, reserve.asset(), Abi.call("approve(address,uint256)", address(pool), uint(amount)));
            tx.send(what + " supply", lp, pool, supply(reserve.asset(), amount, lp));
        }
    }

    private void addBorrowerTransactions(Deployment.AaveMarket market, SeededBorrower borrower, SetupBatch out) {
        Address self = borrower.address();
        Address pool = market.aaveV3().pool();
        String who = market.name() + " borrower #" + borrower.index() + " " + self;
        for (Holding holding : borrower.collateral()) {
            Address asset = market.reserve(holding.symbol()).asset();
            out.add(who + " mint " + holding.symbol(), self, asset, Abi.call("mint(uint256)", uint(holding.amount())), 150_000);
            out.add(who + " approve " + holding.symbol(), self, asset,
                    Abi.call("approve(address,uint256)", address(pool), uint(holding.amount())), 100_000);
            out.add(who + " supply " + holding.symbol(), self, pool, supply(asset, holding.amount(), self), 500_000);
        }
        if (borrower.eModeCategory() != 0) {
            out.add(who + " enter eMode " + borrower.eModeCategory(), self, pool,
                    Abi.call("setUserEMode(uint8)", Abi.uint8(borrower.eModeCategory())), 400_000);
        }
        for (Holding holding : borrower.debt()) {
            Address asset = market.reserve(holding.symbol()).asset();
            out.add(who + " borrow " + holding.symbol(), self, pool,
                    Abi.call("borrow(address,uint256,uint256,uint16,address)", address(asset), uint(holding.amount()), uint(2), uint16(0), address(self)),
                    700_000);
        }
    }

    private static String supply(Address asset, BigInteger amount, Address onBehalfOf) {
        return Abi.call("supply(address,uint256,address,uint16)", address(asset), uint(amount), address(onBehalfOf), uint16(0));
    }
}
