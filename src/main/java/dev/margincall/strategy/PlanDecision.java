package dev.margincall.strategy;

import dev.margincall.protocol.spi.PositionId;

/** What the strategy decided for one position: a plan, or the reason there is none. */
public sealed interface PlanDecision {

    PositionId position();

    record Planned(LiquidationPlan plan) implements PlanDecision {
        @Override
        public PositionId position() {
            return plan.position();
        }
    }

    record Rejected(PositionId position, RejectReason reason, String detail) implements PlanDecision {
    }
}
