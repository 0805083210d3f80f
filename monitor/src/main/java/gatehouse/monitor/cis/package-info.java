/** The built-in CIS AWS Foundations monitoring pack ({@link gatehouse.monitor.cis.CisPack}). */
package gatehouse.monitor.cis;
