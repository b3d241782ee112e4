"""mg-fibro-reanalysis: reanalysis of the reported evidence on magnesium for fibromyalgia."""

__version__ = "0.1.0"
