package dev.margincall.app;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.abi.Erc20;
import dev.margincall.chain.head.HeadListener;
import dev.margincall.core.Address;
import dev.margincall.chain.BlockHeader;
import dev.margincall.core.BlockRef;
import dev.margincall.protocol.spi.MarketId;
import dev.margincall.protocol.spi.LendingMarket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wallet funding: the start approves every asset the markets list then; a market found later (a Morpho market anyone
 * created at runtime) may lend a token the signer never approved, and a liquidation repaying it reverts on the
 * transfer. Before the keeper decides on a head, this approves the assets that appeared since (one allowance read
 * when there are any, then one awaited approval each, through the submitter's nonce stream). A failure is logged and
 * tried again on the next head; until then a liquidation in that token may be planned and revert.
 */
final class NewAssetApprovals implements HeadListener {

    private static final Logger log = LoggerFactory.getLogger(NewAssetApprovals.class);

    /** Reads which of a market's assets lack an allowance for its wallet spender at a block: the start's own check. */
    interface Missing {
        List<CallRequest> of(List<Address> assets, Address spender, BlockTag tag);
    }

    private final HeadListener keeper;
    private final List<LendingMarket> markets;
    private final Missing missing;
    private final Function<CallRequest, ?> approve;
    private final Map<MarketId, Address> batchLiquidators;
    private final Set<String> checked = new HashSet<>();

    /**
     * {@code markets}' assets now are the ones the start checked and approved, for each market's wallet spender and, where
     * wallet liquidations are batched, for our contract that pulls them ({@code batchLiquidators}).
     */
    NewAssetApprovals(HeadListener keeper, List<LendingMarket> markets, Map<MarketId, Address> batchLiquidators, Missing missing,
                      Function<CallRequest, ?> approve) {
        this.keeper = keeper;
        this.markets = markets;
        this.batchLiquidators = Map.copyOf(batchLiquidators);
        this.missing = missing;
        this.approve = approve;
        for (LendingMarket market : markets) {
            market.assets().forEach(asset -> checked.add(key(market, asset)));
        }
    }

    @Override
    public void onRollback(BlockRef commonAncestor, List<BlockHeader> removed) {
        keeper.onRollback(commonAncestor, removed);
    }

    @Override
    public void headComing(BlockHeader newest) {
        keeper.headComing(newest);
    }

    @Override
    public void onBlock(BlockHeader header) {
        keeper.onBlock(header);
    }

    @Override
    public void onHead(BlockHeader head) {
        try {
            approveNewAssets(BlockTag.number(head.number()));
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("event", "approval_failed").addKeyValue("block", head.number()).setCause(e)
                    .log("could not approve a new market's asset for wallet funding; trying again next block: " + e.getMessage());
        }
        keeper.onHead(head);
    }

    private void approveNewAssets(BlockTag tag) {
        for (LendingMarket market : markets) {
            List<Address> fresh = new ArrayList<>();
            for (Address asset : market.assets()) {
                if (!checked.contains(key(market, asset))) {
                    fresh.add(asset);
                }
            }
            if (fresh.isEmpty()) {
                continue;
            }
            for (Address spender : walletSpenders(market, batchLiquidators)) {
                for (CallRequest approval : missing.of(fresh, spender, tag)) {
                    approve.apply(approval);
                    log.atInfo().addKeyValue("event", "approved").addKeyValue("asset", approval.to())
                            .addKeyValue("spender", spender).log("approved a new market's asset for wallet funding");
                }
            }
            fresh.forEach(asset -> checked.add(key(market, asset)));
        }
    }

    /** Who pulls a wallet-funded market's tokens: its wallet spender and, where its liquidations are batched, our contract. */
    static List<Address> walletSpenders(LendingMarket market, Map<MarketId, Address> batchLiquidators) {
        List<Address> spenders = new ArrayList<>(List.of(market.encoder().walletSpender()));
        Optional.ofNullable(batchLiquidators.get(market.id())).ifPresent(spenders::add);
        return spenders;
    }

    private static String key(LendingMarket market, Address asset) {
        return market.id() + "/" + asset;
    }
}
