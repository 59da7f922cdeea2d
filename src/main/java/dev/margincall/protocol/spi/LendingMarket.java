package dev.margincall.protocol.spi;

import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.head.HeadListener;
import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One lending market, as the keeper sees it whatever the protocol: it follows blocks (every block's
 * events, the state read and evaluated at the newest head, rollbacks), answers which positions are near
 * liquidation and what liquidating them would do, says how its values convert to USD, and encodes the
 * liquidation. Everything protocol-specific stays behind it.
 */
public interface LendingMarket extends HeadListener {

    MarketId id();

    /** Backfills to {@code head}, reads every position and evaluates it. */
    void start(BlockHeader head);

    /** Writes what a graceful stop must keep (the log checkpoint). */
    void flush();

    /**
     * The keeper will apply the blocks up to {@code newest} and plan at it. It says so only in a crash's hot spell, when the
     * head's first transaction races others: a market may then start reading its state at {@code newest} beside the blocks'
     * logs instead of after them, at the cost of a request more when those logs touch positions. Quiet heads: not called.
     */
    @Override
    default void headComing(BlockHeader newest) {
    }

    /**
     * The keeper has sent what this head's plans made: work {@code onHead} left for later is done now, off the way to
     * the wire (Aave: the accounts far from liquidation evaluated, the shadow sample verified). Until it returns, only the
     * accounts near liquidation are sure to be evaluated at the head.
     */
    default void afterHead() {
    }

    /** The block the positions were last evaluated at (-1 before {@link #start}). */
    long evaluatedBlock();

    int accountsTracked();

    /** The accounts with a position, at the last evaluated block. */
    List<Address> accounts();

    /** Positions with a health factor below 1 at the last evaluated block. */
    int liquidatableCount();

    /**
     * Accounts close enough to liquidation that the next block (interest alone) may make them liquidatable, the ones
     * likely worth most first where the market can tell cheaply (Aave: the largest debt first; Morpho Blue: by address):
     * sending first, the keeper sends the first liquidatable one before it quotes the others.
     */
    List<Address> accountsNearLiquidation();

    /** {@code account} evaluated at {@code nextTimestamp}, with its quotes. */
    Opportunity opportunity(Address account, long nextTimestamp);

    /**
     * Whether {@code account} is still liquidatable at {@code timestamp} (interest accrued to it, the last evaluated
     * block's prices): the keeper asks it of every opportunity at a time a few blocks ahead, so as not to send what
     * interest alone would make fail if it landed late. Only the answer is needed, not the quotes: a protocol that
     * can tell it from the health factor alone says so here (Aave: one evaluation instead of every pair's quote).
     */
    default boolean liquidatableAt(Address account, long timestamp) {
        return !opportunity(account, timestamp).quotes().isEmpty();
    }

    Valuation valuation();

    /** The price the market uses for {@code asset}, in its value unit, at the last evaluated block. */
    Optional<BigInteger> price(Address asset);

    /** The tokens the market lists (wallet balances, swap pools, approvals). */
    List<Address> assets();

    LiquidationEncoder encoder();

    /**
     * What contract funding can borrow of each asset at the last evaluated block (Aave 3.1+: a reserve's virtual
     * balance, all a flash loan can take); an asset missing from the map has no known limit.
     */
    default Map<Address, BigInteger> contractFundingCapacity() {
        return Map.of();
    }

    /**
     * An immutable copy of the market at the last evaluated block (positions, prices, parameters) for the
     * risk report: later blocks do not change it, and nothing done to it touches the live state. A
     * protocol without one yet says so (the report names the market it cannot cover).
     */
    default RiskSnapshot riskSnapshot() {
        throw new UnsupportedOperationException(id().protocol() + " has no risk snapshot yet: the report cannot cover market " + id());
    }

    /** The liquidations its events reported in the blocks applied since the last call (ours and everyone else's). */
    List<MarketLiquidation> drainLiquidations();
}
