package dev.margincall.devnet;

import static dev.margincall.chain.abi.Abi.address;
import static dev.margincall.chain.abi.Abi.uint;

import dev.margincall.chain.DevChain;
import dev.margincall.chain.abi.Abi;
import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts planned Morpho borrowers on chain. The liquidity provider supplies each market's loan token (1.5 × the
 * debt planned there, at least $1M: utilization about 2/3, so IrmMock charges about 67 % a year), then every
 * borrower mints its collateral, approves Morpho, supplies the collateral and borrows; all of it in one
 * {@link SetupBatch} (automine off, FIFO, mined in as few blocks as the gas limit allows).
 */
public final class MorphoSeeder {

    private static final Logger log = LoggerFactory.getLogger(MorphoSeeder.class);
    private static final BigInteger GAS_MONEY = BigInteger.TEN.pow(20); // 100 ETH
    private static final BigInteger MIN_LIQUIDITY_USD = ReserveSpec.usd(1_000_000);
    private static final String NO_DATA = "0x";

    private final DevChain chain;
    private final Deployment.MorphoBlue morpho;
    private final Address liquidityProvider;

    public MorphoSeeder(DevChain chain, Deployment deployment) {
        this.chain = chain;
        this.morpho = deployment.morphoBlue();
        this.liquidityProvider = deployment.liquidityProvider();
        if (morpho == null) {
            throw new IllegalArgumentException("this deployment has no Morpho Blue");
        }
    }

    /** {@code borrowers} by market name; {@code usd} the tokens' USD prices (8 decimals) to size the liquidity. */
    public void seed(Map<String, List<MorphoBorrower>> borrowers, Map<String, BigInteger> usd) {
        long started = System.nanoTime();
        chain.setBalance(liquidityProvider, GAS_MONEY);
        SetupBatch batch = new SetupBatch(chain);
        for (Deployment.MorphoMarket market : morpho.markets()) {
            List<MorphoBorrower> planned = borrowers.getOrDefault(market.name(), List.of());
            BigInteger debt = planned.stream().map(MorphoBorrower::borrowAssets).reduce(BigInteger.ZERO, BigInteger::add);
            int decimals = morpho.token(market.loanSymbol()).decimals();
            BigInteger minimum = MIN_LIQUIDITY_USD.multiply(BigInteger.TEN.pow(decimals)).divide(usd.get(market.loanSymbol()));
            BigInteger amount = debt.multiply(BigInteger.valueOf(3)).divide(BigInteger.TWO).max(minimum);
            MorphoParams params = MorphoParams.of(market);
            String what = "Morpho liquidity provider " + market.name();
            batch.add(what + " mint", liquidityProvider, market.loanToken(), Abi.call("mint(uint256)", uint(amount)), 150_000);
            batch.add(what + " approve", liquidityProvider, market.loanToken(),
                    Abi.call("approve(address,uint256)", address(morpho.morpho()), uint(amount)), 100_000);
            batch.add(what + " supply", liquidityProvider, morpho.morpho(), Abi.call(
                    "supply((address,address,address,address,uint256),uint256,uint256,address,bytes)",
                    params.with(uint(amount), uint(0), address(liquidityProvider), Abi.bytes(NO_DATA))), 400_000);
        }
        int count = 0;
        for (Deployment.MorphoMarket market : morpho.markets()) {
            List<MorphoBorrower> planned = borrowers.getOrDefault(market.name(), List.of());
            chain.setBalances(planned.stream().map(MorphoBorrower::address).toList(), GAS_MONEY);
            for (MorphoBorrower borrower : planned) {
                addBorrower(batch, market, borrower);
                count++;
            }
        }
        int blocks = batch.mineAll();
        log.info("seeded {} Morpho borrowers in {} markets: {} transactions in {} blocks, {} ms", count, morpho.markets().size(),
                batch.size(), blocks, (System.nanoTime() - started) / 1_000_000);
    }

    private void addBorrower(SetupBatch batch, Deployment.MorphoMarket market, MorphoBorrower borrower) {
        Address self = borrower.address();
        MorphoParams params = MorphoParams.of(market);
        String who = "Morpho " + market.name() + " borrower #" + borrower.index() + " " + self;
        batch.add(who + " mint " + market.collateralSymbol(), self, market.collateralToken(),
                Abi.call("mint(uint256)", uint(borrower.collateral())), 150_000);
        batch.add(who + " approve " + market.collateralSymbol(), self, market.collateralToken(),
                Abi.call("approve(address,uint256)", address(morpho.morpho()), uint(borrower.collateral())), 100_000);
        batch.add(who + " supply collateral", self, morpho.morpho(), Abi.call(
                "supplyCollateral((address,address,address,address,uint256),uint256,address,bytes)",
                params.with(uint(borrower.collateral()), address(self), Abi.bytes(NO_DATA))), 300_000);
        batch.add(who + " borrow " + market.loanSymbol(), self, morpho.morpho(), Abi.call(
                "borrow((address,address,address,address,uint256),uint256,uint256,address,address)",
                params.with(uint(borrower.borrowAssets()), uint(0), address(self), address(self))), 500_000);
    }
}
