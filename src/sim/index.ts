// openpower/sim: the simulator kernel and the vendor simulators.
export {};
