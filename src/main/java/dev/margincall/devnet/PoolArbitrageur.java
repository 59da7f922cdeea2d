package dev.margincall.devnet;

import static dev.margincall.chain.abi.Abi.address;
import static dev.margincall.chain.abi.Abi.uint;

import dev.margincall.chain.abi.Abi;
import dev.margincall.chain.abi.Words;
import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.Map;

/**
 * Plays the arbitrageur after an oracle move: swaps on every Uniswap V2 pair of the moved asset until
 * the pool price matches the oracle again, as arbitrage does on a real chain within a block or two.
 * Without it, a crashed collateral would still sell at its old price and liquidations would look far
 * more profitable than they are.
 */
final class PoolArbitrageur {

    private static final BigInteger FEE_DENOMINATOR = BigInteger.valueOf(1000);
    private static final BigInteger FEE_NUMERATOR = BigInteger.valueOf(997); // Uniswap V2: 0.3 % fee on the input
    static final Address ARBITRAGEUR = DevnetDeployer.derivedAddress("margin-call/devnet/arbitrageur");

    private final Transactor tx;
    private final Deployment deployment;

    PoolArbitrageur(Transactor tx, Deployment deployment) {
        this.tx = tx;
        this.deployment = deployment;
    }

    /** Re-prices every pair that trades {@code symbol}, given the oracle prices now in force. */
    void alignPairsOf(String symbol, Map<String, BigInteger> oraclePrices) {
        for (Map.Entry<String, Address> pair : deployment.uniswapV2().pairs().entrySet()) {
            String[] symbols = pair.getKey().split("/");
            if (symbols[0].equals(symbol) || symbols[1].equals(symbol)) {
                align(pair.getValue(), PoolToken.of(deployment.reserve(symbols[0])), PoolToken.of(deployment.reserve(symbols[1])), oraclePrices);
            }
        }
    }

    /** One side of a pair: what pricing it takes. */
    record PoolToken(String symbol, Address asset, int decimals) {
        static PoolToken of(Deployment.Reserve reserve) {
            return new PoolToken(reserve.symbol(), reserve.asset(), reserve.decimals());
        }

        static PoolToken of(Deployment.MorphoToken token) {
            return new PoolToken(token.symbol(), token.asset(), token.decimals());
        }
    }

    /** Re-prices one pair of {@code a} and {@code b} to {@code prices} (by symbol, one unit for all). */
    void align(Address pair, PoolToken a, PoolToken b, Map<String, BigInteger> prices) {
        // token0 is the lower address (UniswapV2Factory.createPair sorts them).
        boolean aIsToken0 = a.asset().compareTo(b.asset()) < 0;
        PoolToken token0 = aIsToken0 ? a : b;
        PoolToken token1 = aIsToken0 ? b : a;
        String reserves = tx.call(pair, Abi.call("getReserves()"));
        BigInteger r0 = Words.uint(reserves, 0);
        BigInteger r1 = Words.uint(reserves, 1);

        // At the oracle price, r1 / r0 = (p0 · 10^d1) / (p1 · 10^d0); keep k = r0 · r1 and solve for r0.
        BigInteger numerator = prices.get(token1.symbol()).multiply(BigInteger.TEN.pow(token0.decimals()));
        BigInteger denominator = prices.get(token0.symbol()).multiply(BigInteger.TEN.pow(token1.decimals()));
        BigInteger targetR0 = r0.multiply(r1).multiply(numerator).divide(denominator).sqrt();
        if (targetR0.compareTo(r0) > 0) {
            swap(pair, token0, targetR0.subtract(r0), r0, r1, true);
        } else if (targetR0.compareTo(r0) < 0) {
            BigInteger targetR1 = r0.multiply(r1).divide(targetR0);
            swap(pair, token1, targetR1.subtract(r1), r1, r0, false);
        }
    }

    /** Sends {@code netIn} (grossed up for the fee) of {@code tokenIn} and takes what the pair gives for it. */
    private void swap(Address pair, PoolToken tokenIn, BigInteger netIn, BigInteger reserveIn, BigInteger reserveOut, boolean inIsToken0) {
        BigInteger amountIn = netIn.multiply(FEE_DENOMINATOR).divide(FEE_NUMERATOR);
        BigInteger inWithFee = amountIn.multiply(FEE_NUMERATOR);
        BigInteger amountOut = inWithFee.multiply(reserveOut).divide(reserveIn.multiply(FEE_DENOMINATOR).add(inWithFee));
        if (amountOut.signum() == 0) {
            return;
        }
        tx.send("arbitrage: pay " + tokenIn.symbol() + " into the pair", ARBITRAGEUR, tokenIn.asset(),
                Abi.call("mint(address,uint256)", address(pair), uint(amountIn)));
        tx.send("arbitrage: swap on the pair", ARBITRAGEUR, pair, Abi.call("swap(uint256,uint256,address,bytes)",
                uint(inIsToken0 ? BigInteger.ZERO : amountOut), uint(inIsToken0 ? amountOut : BigInteger.ZERO),
                address(ARBITRAGEUR), Abi.bytes("0x")));
    }
}
