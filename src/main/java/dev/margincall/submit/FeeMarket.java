package dev.margincall.submit;

import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.EthRpc;

/** What the network asks for the next block: one {@code eth_feeHistory} per head, shared by the planner, the sends and the replacements. */
final class FeeMarket {

    private static final int FEE_HISTORY_BLOCKS = 5;

    private final EthRpc rpc;
    private final FeePolicy policy;
    private long block = -1;
    private FeePolicy.MarketFees fees;

    FeeMarket(EthRpc rpc, FeePolicy policy) {
        this.rpc = rpc;
        this.policy = policy;
    }

    FeePolicy policy() {
        return policy;
    }

    /** The fees for the block after {@code head}, read once per head. */
    synchronized FeePolicy.MarketFees at(BlockHeader head) {
        if (block != head.number()) {
            fees = now();
            block = head.number();
        }
        return fees;
    }

    /** The fees now, read afresh (outside the block loop). */
    FeePolicy.MarketFees now() {
        return policy.market(rpc.feeHistory(FEE_HISTORY_BLOCKS, BlockTag.LATEST, policy.percentiles()));
    }
}
