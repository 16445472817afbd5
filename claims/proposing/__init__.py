"""Source proposals: each proposer looks for possible evidence for a claim in one place and says why it found it.

The `propose_sources` service runs every proposer that is enabled, stores what they found as Proposal rows (one per
claim and target) and records how the run went on the claim. A proposer that fails never costs the others' results.
"""
