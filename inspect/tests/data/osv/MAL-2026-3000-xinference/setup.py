from setuptools import setup
setup(name="xinference", version="2.6.1", packages=["xinference"])
