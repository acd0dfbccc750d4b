"""Field shapes shared by every model, so money, areas and heat are stored one way."""
from django.db import models


def money_field(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=13, decimal_places=2, **kwargs)


def area_field(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2, **kwargs)


def heat_field(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=16, decimal_places=6, **kwargs)


def share_field(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=6, decimal_places=4, **kwargs)


def season_year_field(verbose_name, **kwargs):
    """A season named by its first year: 2019 is the season 2019-2020."""
    return models.PositiveSmallIntegerField(verbose_name, **kwargs)
