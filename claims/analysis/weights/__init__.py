"""The trained weights the analysis loads (check-worthiness, subjectivity, speakers), with their model card in
README.md. `make train` writes them."""

from pathlib import Path

WEIGHTS_DIR = Path(__file__).resolve().parent
