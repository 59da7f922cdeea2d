package dev.margincall.app;

import dev.margincall.devnet.WithDevnet;

/** The report against Aave 3.6 (Pool revision 10): its 50 % close factor of the total debt, dust rule and rounding. */
@WithDevnet(borrowers = 400, seed = 23)
class ReportDifferentialIT extends ReportDifferentialCases {
}
