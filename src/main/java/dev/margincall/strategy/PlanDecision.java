package dev.margincall.strategy;

import dev.margincall.core.Address;

/** What the strategy decided for one account: a plan, or the reason there is none. */
public sealed interface PlanDecision {

    Address account();

    record Planned(LiquidationPlan plan) implements PlanDecision {
        @Override
        public Address account() {
            return plan.account();
        }
    }

    record Rejected(Address account, RejectReason reason, String detail) implements PlanDecision {
    }
}
