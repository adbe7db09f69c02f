"""Why a table model predicts what it does, in terms of the table's own columns.

Every tabular run gets, in the background and cached in its folder (explain/):

- permutation importance on the test split (permutation.py), each original column
  shuffled as a whole (its one-hot levels, date parts and missing flag together;
  models/tabular/columns.py), with the spread over repeats; for classes scored by
  accuracy and log-loss, for numbers by R² and MAE;
- partial dependence with ICE lines for a column (dependence.py);
- each column's contribution to one row's prediction (contributions.py): Shapley
  values of the original columns, estimated by sampling column orders against a
  background sample of test rows;
- for a model with attention over columns, what [CLS] and the columns attend to
  (attention.py).

Nothing here runs on a click in the UI process: the UI asks (ask.py), a request is
queued in the run store (queue.py), and a warm background process answers it
(service.py, tasks.py), started by the job manager beside the embedding service.
The worker asks for a tabular run's importance as soon as the run has succeeded.
"""
