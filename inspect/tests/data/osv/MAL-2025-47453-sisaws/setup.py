from setuptools import setup
setup(name="sisaws", version="1.0.0", packages=["sisaws"])
