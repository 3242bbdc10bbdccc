"""warn's own classifier: the labeled corpus, training, evaluation and the shipped artifact.

``corpus.py`` reads and splits ``corpus/*.jsonl``; ``train.py`` fits and saves
``warn-risk.skops``; ``evaluate.py`` measures it; ``commands.py`` holds the ``warn train``
and ``warn evaluate`` commands.  The scoring side lives in :mod:`warn.model`.
"""
