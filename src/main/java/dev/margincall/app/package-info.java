/**
 * The composition root: reads config, wires the boxes, starts and stops them; the picocli CLI.
 */
package dev.margincall.app;
