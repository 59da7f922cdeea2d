/**
 * Metric names in one place, the health endpoint and the structured event log.
 */
package dev.margincall.observability;
