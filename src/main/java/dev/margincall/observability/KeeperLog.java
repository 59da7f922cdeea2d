package dev.margincall.observability;

import dev.margincall.protocol.spi.MarketLiquidation;
import dev.margincall.protocol.spi.PositionId;
import dev.margincall.strategy.LiquidationPlan;
import dev.margincall.strategy.RejectReason;
import dev.margincall.submit.Fees;
import dev.margincall.submit.Liquidation;
import java.math.BigInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The keeper's decisions as structured log lines (logger {@code margincall.keeper}): one per decision, each
 * with {@code event}, {@code protocol}, {@code market} and {@code account} fields, so a log shipper can
 * follow one position from candidate to mined.
 */
public final class KeeperLog {

    private static final Logger log = LoggerFactory.getLogger("margincall.keeper");

    public void candidate(PositionId position, long headBlock) {
        event("candidate", position).addKeyValue("block", headBlock).log("liquidatable");
    }

    public void planned(LiquidationPlan plan) {
        event("plan", plan.position()).addKeyValue("funding", plan.funding().configName())
                .addKeyValue("collateral", plan.quote().collateralAsset()).addKeyValue("debt", plan.quote().debtAsset())
                .addKeyValue("debtToCover", plan.quote().debtToCover()).addKeyValue("collateralReceived", plan.quote().collateralToLiquidator())
                .addKeyValue("profitUsd", plan.netProfitUsd()).addKeyValue("gasUsd", plan.valuation().usd(plan.gasCostBase())).log("planned");
    }

    public void skipped(PositionId position, RejectReason reason, String detail, String message) {
        event("skip", position).addKeyValue("reason", reason).addKeyValue("detail", detail).log(message);
    }

    public void simulated(Liquidation liquidation, BigInteger gasEstimate) {
        event("simulated", liquidation.position()).addKeyValue("gasEstimate", gasEstimate).log("simulation ok");
    }

    public void wouldSend(Liquidation liquidation, BigInteger gasLimit, Fees fees) {
        LiquidationPlan plan = liquidation.plan();
        event("would_liquidate", plan.position()).addKeyValue("funding", plan.funding().configName())
                .addKeyValue("collateral", plan.quote().collateralAsset()).addKeyValue("debt", plan.quote().debtAsset())
                .addKeyValue("debtToCover", plan.quote().debtToCover()).addKeyValue("profitUsd", plan.netProfitUsd())
                .addKeyValue("gasLimit", gasLimit).addKeyValue("maxFeePerGas", fees.maxFeePerGas()).addKeyValue("to", liquidation.to())
                .log("would liquidate (dry-run: not sent)");
    }

    public void sent(Liquidation liquidation, String hash, long nonce, Fees fees, BigInteger gasLimit) {
        event("sent", liquidation.position()).addKeyValue("hash", hash).addKeyValue("nonce", nonce)
                .addKeyValue("maxFeePerGas", fees.maxFeePerGas()).addKeyValue("maxPriorityFeePerGas", fees.maxPriorityFeePerGas())
                .addKeyValue("gasLimit", gasLimit).log("liquidation sent");
    }

    public void replaced(Liquidation liquidation, String previousHash, String hash, Fees fees) {
        event("replaced", liquidation.position()).addKeyValue("previous", previousHash).addKeyValue("hash", hash)
                .addKeyValue("maxFeePerGas", fees.maxFeePerGas()).log("fee bumped");
    }

    public void cancelling(Liquidation liquidation, String hash, long nonce, String why) {
        event("cancelling", liquidation.position()).addKeyValue("hash", hash).addKeyValue("nonce", nonce)
                .addKeyValue("why", why).log("opportunity gone: cancelling at the same nonce");
    }

    public void reorged(Liquidation liquidation, String hash, long minedBlock) {
        event("reorged", liquidation.position()).addKeyValue("hash", hash).addKeyValue("block", minedBlock)
                .log("a reorg removed the block of our liquidation: in flight again (re-mined, re-sent if still valid, else cancelled)");
    }

    public void dropped(Liquidation liquidation, long nonce) {
        event("dropped", liquidation.position()).addKeyValue("nonce", nonce).log("nonce taken by another transaction");
    }

    /** A position liquidatable for more than {@code afterBlocks} that nobody liquidated: once, at warn, with the keeper's own reason. */
    public void overdue(PositionId position, long head, long afterBlocks, String keeperReason) {
        fields(log.atWarn().addKeyValue("event", "overdue"), position).addKeyValue("block", head).addKeyValue("afterBlocks", afterBlocks)
                .addKeyValue("keeperReason", keeperReason).log("liquidatable for more than " + afterBlocks + " blocks and not liquidated");
    }

    /**
     * Another liquidator took the first liquidation of an opportunity the keeper saw: who, how many blocks after
     * it became liquidatable, at what gas price, and why the keeper did not (its reason, or that its own
     * transaction was in flight since a given block).
     */
    public void lost(MarketLiquidation liquidation, long blocksAfter, java.math.BigInteger effectiveGasPrice, String keeperReason) {
        fields(log.atInfo().addKeyValue("event", "lost"), liquidation.position()).addKeyValue("liquidator", liquidation.liquidator())
                .addKeyValue("block", liquidation.block()).addKeyValue("blocksAfter", blocksAfter).addKeyValue("hash", liquidation.transactionHash())
                .addKeyValue("effectiveGasPrice", effectiveGasPrice).addKeyValue("keeperReason", keeperReason)
                .log("another liquidator liquidated it first");
    }

    /** The other liquidators of the watched markets, most liquidations first: one line each (the top ones). */
    public void competitors(java.util.List<OutcomeRecorder.Competitor> competitors) {
        for (OutcomeRecorder.Competitor c : competitors) {
            log.atInfo().addKeyValue("event", "competitor").addKeyValue("liquidator", c.liquidator()).addKeyValue("liquidations", c.liquidations())
                    .addKeyValue("firstOfOpportunity", c.firstOfOpportunity())
                    .addKeyValue("bonusUsd", c.bonusUsd().setScale(2, java.math.RoundingMode.HALF_UP)).log("competitor");
        }
    }

    /** A settled transaction: mined at info, anything else at warn. */
    public void settled(Outcome outcome) {
        LoggingEventBuilder builder = "mined".equals(outcome.status()) ? log.atInfo() : log.atWarn();
        fields(builder.addKeyValue("event", outcome.status()), outcome.position()).addKeyValue("hash", outcome.hash())
                .addKeyValue("block", outcome.minedBlock()).addKeyValue("gasUsed", outcome.gasUsed())
                .addKeyValue("blocksToLiquidation", outcome.blocksToLiquidation()).addKeyValue("profitUsd", outcome.plan().netProfitUsd())
                .log("liquidation " + outcome.status());
    }

    /** An item of a mined batch that the contract skipped, with why (a competitor came first, the position recovered). */
    public void skippedInBatch(Outcome outcome, String reason) {
        fields(log.atWarn().addKeyValue("event", "skipped"), outcome.position()).addKeyValue("hash", outcome.hash())
                .addKeyValue("block", outcome.minedBlock()).addKeyValue("gasUsed", outcome.gasUsed()).addKeyValue("reason", reason)
                .log("liquidation skipped inside its batch: " + reason);
    }

    private static LoggingEventBuilder event(String name, PositionId position) {
        return fields(log.atInfo().addKeyValue("event", name), position);
    }

    private static LoggingEventBuilder fields(LoggingEventBuilder builder, PositionId position) {
        return builder.addKeyValue("protocol", position.protocol()).addKeyValue("market", position.market().name())
                .addKeyValue("account", position.account());
    }
}
