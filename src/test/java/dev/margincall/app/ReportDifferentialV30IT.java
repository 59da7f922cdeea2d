package dev.margincall.app;

import dev.margincall.devnet.WithDevnet;

/** The report against Aave V3.0.2: its close factor of 50 % of one reserve's debt above HF 0.95, 100 % at or below. */
@WithDevnet(borrowers = 400, seed = 23, aave = "3.0")
class ReportDifferentialV30IT extends ReportDifferentialCases {
}
