from setuptools import setup
setup(name="chimera-sandbox-extensions", version="0.0.1", packages=["chimera"])
